"""``python -m codat_connections``: the ``codat-connections`` command line (see ``codat_connections.cli``)."""

import sys

from codat_connections.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m codat_connections"))
