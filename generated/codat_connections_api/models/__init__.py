"""Contains all the data models used in inputs/outputs"""

from .client_rate_limit_webhook import ClientRateLimitWebhook
from .client_rate_limit_webhook_payload import ClientRateLimitWebhookPayload
from .company_reference import CompanyReference
from .company_reference_links import CompanyReferenceLinks
from .company_tags import CompanyTags
from .connection import Connection
from .connection_authorization import ConnectionAuthorization
from .connection_info import ConnectionInfo
from .connection_status import ConnectionStatus
from .connection_webhook import ConnectionWebhook
from .connection_webhook_payload import ConnectionWebhookPayload
from .connections import Connections
from .create_connection_request import CreateConnectionRequest
from .data_connection_error import DataConnectionError
from .data_connection_error_status import DataConnectionErrorStatus
from .error_message import ErrorMessage
from .error_validation import ErrorValidation
from .error_validation_item import ErrorValidationItem
from .hal_ref import HalRef
from .links import Links
from .source_type import SourceType
from .update_connection_status import UpdateConnectionStatus

__all__ = (
    "ClientRateLimitWebhook",
    "ClientRateLimitWebhookPayload",
    "CompanyReference",
    "CompanyReferenceLinks",
    "CompanyTags",
    "Connection",
    "ConnectionAuthorization",
    "ConnectionInfo",
    "ConnectionStatus",
    "ConnectionWebhook",
    "ConnectionWebhookPayload",
    "Connections",
    "CreateConnectionRequest",
    "DataConnectionError",
    "DataConnectionErrorStatus",
    "ErrorMessage",
    "ErrorValidation",
    "ErrorValidationItem",
    "HalRef",
    "Links",
    "SourceType",
    "UpdateConnectionStatus",
)
