"""``import codat_connections`` must not load the webhook module or its dependency until a receiver imports it."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import codat_connections
from codat_connections import CodatConnections
CodatConnections(api_key="k")  # constructing a client loads the models, still not the webhooks
loaded = sorted(name for name in sys.modules if name.startswith(("standardwebhooks", "codat_connections.webhooks")))
print(",".join(loaded))
import codat_connections.webhooks
print("standardwebhooks" in sys.modules)
"""


def test_importing_the_client_does_not_load_webhooks() -> None:
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    not_loaded, loaded_on_use = result.stdout.splitlines()
    assert not_loaded == ""
    assert loaded_on_use == "True"
