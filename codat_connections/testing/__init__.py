"""An embedded fake of Codat's connections API, for your tests and for trying the client.

    from codat_connections import CodatConnections
    from codat_connections.testing import FakeCodat

    fake = FakeCodat(api_key="test-key")
    company_id = fake.add_company("Acme Ltd")
    client = CodatConnections(api_key="test-key", base_url="https://api.codat.io",
                              http_client=httpx.Client(transport=fake.transport()))

Or over real sockets: ``with fake.serve() as base_url: ...``; or from a shell:
``python -m codat_connections.testing --port 8765``.
"""

from codat_connections.testing._fake import (
    PLATFORMS,
    FakeCodat,
    FakeResponse,
    Fault,
    Platform,
    RecordedRequest,
)

__all__ = ["PLATFORMS", "FakeCodat", "FakeResponse", "Fault", "Platform", "RecordedRequest"]
