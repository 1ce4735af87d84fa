"""The sync side: each module here is derived from ``codat_connections/_async/`` (scripts/unasync.py).

Never edit these files: change the async source and run ``make unasync`` (``make test`` fails on drift).
"""
