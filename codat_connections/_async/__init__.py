"""The async side of everything that awaits: the source that ``scripts/unasync.py`` turns into ``_sync/``.

Each module here is written once, for ``AsyncCodatConnections``; its sync twin in ``_sync/`` is
derived mechanically (``make unasync``; ``make test`` fails when it drifts), so an operation's
signature, checks and docstring live in one place.
"""
