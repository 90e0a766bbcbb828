"""The exception hierarchy of memvid_sdk.

Every error the library reports is an instance of a class under :class:`MemvidError`, with
``.code`` set to the C++ ``ErrorCode`` name (``"Locked"``, ``"InvalidQuery"``, ...) and the
library's message as its message. Some classes also derive from the builtin exception a
Python user would expect (``ValueError``, ``LookupError``, ``FileExistsError``).
"""

from __future__ import annotations

import errno as _errno
from typing import Any, Dict, Optional, Tuple, Type

__all__ = [
    "MemvidError",
    "InvalidArgumentError",
    "NotFoundError",
    "AlreadyExistsError",
    "LockedError",
    "CorruptError",
    "InvalidTocError",
    "RecoveryNeededError",
    "AuxiliaryFileDetected",
    "MemvidIOError",
    "NoSpaceError",
    "ReadOnlyError",
    "ClosedError",
    "TransactionStateError",
    "QueryError",
    "ModelUnavailableError",
    "ModelMismatchError",
    "ProviderError",
    "OperationInterruptedError",
    "DecryptError",
    "NotAMemoryError",
    "EncryptedError",
    "MemvidWarning",
    "error_class",
]


class MemvidError(Exception):
    """Base class of every error reported by the memvid library.

    Attributes:
        code: the C++ ErrorCode name, e.g. ``"Locked"``.
        message: the library's message (also ``str(error)``).
    """

    code: str = ""

    def __new__(cls, message: str = "", code: Optional[str] = None, *args: Any,
                **kwargs: Any) -> "MemvidError":
        # Only the message reaches the builtin base: OSError would read (message, code) as
        # (errno, strerror).
        return super().__new__(cls, message)  # type: ignore[call-arg]

    def __init__(self, message: str = "", code: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> Tuple[Any, ...]:  # pickling (e.g. across processes) keeps the fields
        return (type(self), (self.message, self.code), dict(self.__dict__))


class InvalidArgumentError(MemvidError, ValueError):
    """The library refused a value (bad option value, bad JSON metadata, bad timestamp)."""

    code = "InvalidArgument"


class NotFoundError(MemvidError, LookupError):
    """A missing file or frame id."""

    code = "NotFound"


class AlreadyExistsError(MemvidError, FileExistsError):
    """Creating a memory (or a compaction destination) over an existing file."""

    code = "AlreadyExists"

    def __init__(self, message: str = "", code: Optional[str] = None) -> None:
        super().__init__(message, code)
        self.errno = _errno.EEXIST
        self.strerror = message


class LockedError(MemvidError):
    """Another writer holds the memory's lock.

    Attributes:
        pid: the lock owner's process id, or None when unknown.
        owner: the owner record (``Memvid.who(path)``) as a dict, or None.
    """

    code = "Locked"

    def __init__(self, message: str = "", code: Optional[str] = None,
                 owner: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message, code)
        self.owner = owner
        pid = owner.get("pid") if owner else None
        self.pid: Optional[int] = pid if pid else None

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.message, self.code, self.owner), dict(self.__dict__))


class CorruptError(MemvidError):
    """Bytes on disk fail a checksum, magic or bounds check."""

    code = "Corrupt"


class InvalidTocError(CorruptError):
    """The table of contents decodes but is inconsistent."""

    code = "InvalidToc"


class RecoveryNeededError(CorruptError):
    """Strict recovery refused to repair the file."""

    code = "RecoveryNeeded"


class AuxiliaryFileDetected(MemvidError):
    """A -wal/-shm/-lock/-journal sidecar file sits next to the memory."""

    code = "AuxiliaryFileDetected"


class MemvidIOError(MemvidError, OSError):
    """The operating system refused a read, write or sync."""

    code = "Io"


class NoSpaceError(MemvidIOError):
    """The disk is full (ENOSPC / EDQUOT); nothing committed is lost."""

    code = "NoSpace"

    def __init__(self, message: str = "", code: Optional[str] = None) -> None:
        super().__init__(message, code)
        self.errno = _errno.ENOSPC
        self.strerror = message


class ReadOnlyError(MemvidError):
    """A write on a read-only handle or a write-protected file (and, as ClosedError, any call
    on a closed or sealed handle)."""

    code = "ReadOnly"


class ClosedError(ReadOnlyError):
    """Any call on a handle after close() or seal() (a ReadOnlyError, as it was before it had a
    code of its own)."""

    code = "Closed"


class TransactionStateError(MemvidError):
    """begin() inside a transaction, rollback() outside one, ..."""

    code = "TransactionState"


class QueryError(MemvidError, ValueError):
    """A malformed search query; the message names the character position."""

    code = "InvalidQuery"


class ModelUnavailableError(MemvidError):
    """Semantic search asked for, but the embedding model is not installed or configured."""

    code = "ModelUnavailable"


class ModelMismatchError(MemvidError):
    """A vector from a different embedding model (or dimension) than the memory's."""

    code = "ModelMismatch"


class ProviderError(MemvidError):
    """An embedding or chat endpoint failed (unreachable, timed out, HTTP error, bad answer)."""

    code = "ProviderFailed"


class OperationInterruptedError(MemvidError):
    """Stopped on request before it finished; nothing of it was written."""

    code = "Interrupted"


class DecryptError(MemvidError):
    """A capsule's password is wrong, or its bytes were changed or cut."""

    code = "DecryptFailed"


class NotAMemoryError(MemvidError):
    """The file is not a memvid memory (another kind of file, an empty file, a directory);
    nothing was changed."""

    code = "NotAMemory"


class EncryptedError(NotAMemoryError):
    """The file is an encrypted capsule (.mv2e): unlock it first (``memvid unlock``); nothing
    was changed."""

    code = "Encrypted"


class MemvidWarning(UserWarning):
    """Issued (``warnings.warn``) when a call's work was committed but a later step failed,
    e.g. the checkpoint after a commit on a full disk: the data is in, nothing needs retrying.

    Attributes:
        code: the C++ ErrorCode name of what failed (``"NoSpace"``, ``"Io"``, ...).
        step: which step (``"checkpoint"``, ``"close"``, ``"sidecar"``, ...).
        message: the whole sentence (also ``str(warning)``).
    """

    def __init__(self, message: str = "", code: str = "", step: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.step = step

    def __repr__(self) -> str:
        return f"MemvidWarning(code={self.code!r}, step={self.step!r}, message={self.message!r})"


_ALL: Tuple[Type[MemvidError], ...] = (
    InvalidArgumentError, NotFoundError, AlreadyExistsError, LockedError, CorruptError,
    InvalidTocError, RecoveryNeededError, AuxiliaryFileDetected, MemvidIOError,
    NoSpaceError, ReadOnlyError, TransactionStateError, QueryError, ModelUnavailableError,
    ModelMismatchError, ProviderError, OperationInterruptedError, DecryptError,
    NotAMemoryError, EncryptedError, ClosedError,
)
_BY_CODE: Dict[str, Type[MemvidError]] = {cls.code: cls for cls in _ALL}


def error_class(code: str) -> Type[MemvidError]:
    """The exception class for a C++ ErrorCode name (MemvidError for an unknown one)."""
    return _BY_CODE.get(code, MemvidError)


def _from_native(code: str, message: str, owner: Optional[Dict[str, Any]]) -> MemvidError:
    """Called by the extension to build the exception for a library error."""
    cls = error_class(code)
    if cls is LockedError:
        return LockedError(message, code, owner)
    return cls(message, code)
