"""The ways in: httpx transports (in-process), the loopback server, the ``codat-fake`` command line, and the
pytest entry point.
"""
