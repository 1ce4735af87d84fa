"""Contains all the data models used in inputs/outputs"""

from .connection import Connection
from .connection_authorization import ConnectionAuthorization
from .connection_info import ConnectionInfo
from .connection_status import ConnectionStatus
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
    "Connection",
    "ConnectionAuthorization",
    "ConnectionInfo",
    "ConnectionStatus",
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
