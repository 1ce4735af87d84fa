"""``python -m codat_connections.testing``: the ``codat-fake`` dev server (``_ways_in/cli.py``)."""

import sys

from codat_connections.testing._ways_in.cli import main

if __name__ == "__main__":
    sys.exit(main())
