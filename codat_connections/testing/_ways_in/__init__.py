"""The ways in: ``FakeCodat`` (``fake.py``: the parts put together, with its httpx transports and its loopback
server), the ``codat-fake`` command line, and the pytest entry point.

The top layer: ``fake.py`` builds on every other layer and on the route table; the command line and the
pytest plugin build on ``fake.py``.
"""
