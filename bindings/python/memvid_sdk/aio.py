"""asyncio front end of memvid_sdk: the same memory, every call awaited off the event loop.

::

    from memvid_sdk import aio

    async with aio.use("basic", "notes.mv2") as mem:      # or: mem = await aio.use(...)
        await mem.put("The quick brown fox", title="fox")
        for hit in await mem.find("fox", k=5):
            print(hit.title, hit.score)

Each call runs the synchronous :class:`memvid_sdk.Memvid` method in the loop's default
executor (a thread pool). The library releases the GIL while it works, so the event loop
keeps running meanwhile, and calls on separate handles (say one ``mode="read_only"`` handle
per task group) run in parallel. One handle still serializes its own calls. Arguments,
results and errors are exactly those of the synchronous methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from typing import Any, AsyncIterator, Callable, List, Optional, TypeVar

from . import Memvid
from . import create as _create
from . import doctor as _doctor
from . import last_warnings as _last_warnings
from . import restore as _restore
from . import use as _use
from . import verify as _verify
from .errors import MemvidWarning
from .results import (AskResult, Correction, EnrichReport, SlotSchema, DoctorReport, EntityInfo, FactRecord, FindResult, FollowResult, Frame,
                      IngestReport, RestoreReport, Stats, TimelineEntry, VerifyReport, WhenResult)

__all__ = ["AsyncMemvid", "AsyncFacts", "AsyncSessions", "use", "create", "verify", "doctor", "restore"]

T = TypeVar("T")


async def _run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args, **kwargs))


class AsyncSessions:
    """:class:`memvid_sdk.Sessions` with coroutine methods (``mem.sessions`` of an AsyncMemvid)."""

    __slots__ = ("_mem",)

    def __init__(self, mem: "AsyncMemvid") -> None:
        self._mem = mem

    async def start(self, name: str = "") -> Any:
        """:meth:`memvid_sdk.Sessions.start`."""
        return await self._mem._call(self._mem.sync.sessions.start, name)

    async def end(self) -> Any:
        """:meth:`memvid_sdk.Sessions.end`."""
        return await self._mem._call(self._mem.sync.sessions.end)

    async def checkpoint(self, note: str = "") -> Any:
        """:meth:`memvid_sdk.Sessions.checkpoint`."""
        return await self._mem._call(self._mem.sync.sessions.checkpoint, note)

    async def active(self) -> Any:
        """:meth:`memvid_sdk.Sessions.active`."""
        return await self._mem._call(self._mem.sync.sessions.active)

    async def list(self) -> Any:
        """:meth:`memvid_sdk.Sessions.list`."""
        return await self._mem._call(self._mem.sync.sessions.list)

    async def view(self, session: Any) -> Any:
        """:meth:`memvid_sdk.Sessions.view`."""
        return await self._mem._call(self._mem.sync.sessions.view, session)

    async def delete(self, session: Any) -> None:
        """:meth:`memvid_sdk.Sessions.delete`."""
        await self._mem._call(self._mem.sync.sessions.delete, session)

    async def replay(self, session: Any, **options: Any) -> Any:
        """:meth:`memvid_sdk.Sessions.replay`."""
        return await self._mem._call(self._mem.sync.sessions.replay, session, **options)

    async def compare(self, a: Any, b: Any) -> Any:
        """:meth:`memvid_sdk.Sessions.compare`."""
        return await self._mem._call(self._mem.sync.sessions.compare, a, b)


class _AsyncSessionBlock:
    """``async with mem.session("name"):`` (see :meth:`memvid_sdk.Memvid.session`)."""

    def __init__(self, mem: "AsyncMemvid", name: str) -> None:
        self._mem = mem
        self._name = name

    async def __aenter__(self) -> Any:
        return await self._mem.sessions.start(self._name)

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if not self._mem.sync.closed:
            await self._mem.sessions.end()


class AsyncFacts:
    """:class:`memvid_sdk.Facts` with coroutine methods (``mem.facts`` of an AsyncMemvid)."""

    __slots__ = ("_mem",)

    def __init__(self, mem: "AsyncMemvid") -> None:
        self._mem = mem

    async def state(self, entity: str, slot: Optional[str] = None, **options: Any) -> List[FactRecord]:
        """:meth:`memvid_sdk.Facts.state`."""
        return await self._mem._call(self._mem.sync.facts.state, entity, slot, **options)

    async def list(self, **options: Any) -> List[FactRecord]:
        """:meth:`memvid_sdk.Facts.list`."""
        return await self._mem._call(self._mem.sync.facts.list, **options)

    async def entities(self) -> List[EntityInfo]:
        """:meth:`memvid_sdk.Facts.entities`."""
        return await self._mem._call(self._mem.sync.facts.entities)

    async def correct(self, statement: str, **options: Any) -> "Correction":
        """:meth:`memvid_sdk.Facts.correct`."""
        return await self._mem._call(self._mem.sync.facts.correct, statement, **options)

    async def enrich(self, **options: Any) -> "EnrichReport":
        """:meth:`memvid_sdk.Facts.enrich`."""
        return await self._mem._call(self._mem.sync.facts.enrich, **options)

    async def schema(self) -> List["SlotSchema"]:
        """:meth:`memvid_sdk.Facts.schema`."""
        return await self._mem._call(self._mem.sync.facts.schema)

    async def infer_schema(self) -> List["SlotSchema"]:
        """:meth:`memvid_sdk.Facts.infer_schema`."""
        return await self._mem._call(self._mem.sync.facts.infer_schema)

    async def register_schema(self, specs: Any, **options: Any) -> List["SlotSchema"]:
        """:meth:`memvid_sdk.Facts.register_schema`."""
        return await self._mem._call(self._mem.sync.facts.register_schema, specs, **options)

    async def follow(self, start: str, **options: Any) -> FollowResult:
        """:meth:`memvid_sdk.Facts.follow`."""
        return await self._mem._call(self._mem.sync.facts.follow, start, **options)


class AsyncMemvid:
    """A :class:`memvid_sdk.Memvid` whose methods are coroutines. ``sync`` is the wrapped handle."""

    __slots__ = ("sync", "_warnings")

    def __init__(self, mem: Memvid) -> None:
        self.sync = mem
        self._warnings: List[MemvidWarning] = []

    async def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        # The warnings belong to the executor thread that ran the call: read them there.
        def call() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                self._warnings = _last_warnings()
        return await _run(call)

    @property
    def last_warnings(self) -> List[MemvidWarning]:
        """The warnings of this handle's latest awaited call (its work was committed, a later
        step failed; see :func:`memvid_sdk.last_warnings`)."""
        return list(self._warnings)

    async def __aenter__(self) -> "AsyncMemvid":
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<AsyncMemvid {self.sync!r}>"

    @property
    def facts(self) -> AsyncFacts:
        """Facts about people read from the memory's texts (coroutine methods)."""
        return AsyncFacts(self)

    @property
    def sessions(self) -> AsyncSessions:
        """Recorded sessions of this memory (coroutine methods)."""
        return AsyncSessions(self)

    def session(self, name: str = "") -> _AsyncSessionBlock:
        """``async with mem.session("name"):`` records the block's actions in a session."""
        return _AsyncSessionBlock(self, name)

    @property
    def path(self) -> str:
        """The memory's file path."""
        return self.sync.path

    @property
    def read_only(self) -> bool:
        """True for a read-only handle."""
        return self.sync.read_only

    @property
    def closed(self) -> bool:
        """True after close() or seal()."""
        return self.sync.closed

    async def frame_count(self) -> int:
        """How many frames were ever written (whatever their status)."""
        return await self._call(lambda: self.sync.frame_count)

    async def put(self, text: Optional[str] = None, **fields: Any) -> int:
        """:meth:`memvid_sdk.Memvid.put`."""
        return await self._call(self.sync.put, text, **fields)

    async def put_many(self, documents: Any) -> List[int]:
        """:meth:`memvid_sdk.Memvid.put_many`: one transaction."""
        return await self._call(self.sync.put_many, list(documents))

    async def update(self, id: int, text: Optional[str] = None, **fields: Any) -> int:
        """:meth:`memvid_sdk.Memvid.update`."""
        return await self._call(self.sync.update, id, text, **fields)

    async def delete(self, id: int) -> None:
        """:meth:`memvid_sdk.Memvid.delete`."""
        await self._call(self.sync.delete, id)

    async def view(self, id: int, *, payload: bool = True) -> Frame:
        """:meth:`memvid_sdk.Memvid.view`."""
        return await self._call(self.sync.view, id, payload=payload)

    async def find(self, query: str, **options: Any) -> FindResult:
        """:meth:`memvid_sdk.Memvid.find` (k, mode, scope, cursor, as_of, ...)."""
        return await self._call(self.sync.find, query, **options)

    async def ask(self, question: str, **options: Any) -> AskResult:
        """:meth:`memvid_sdk.Memvid.ask`."""
        return await self._call(self.sync.ask, question, **options)

    async def timeline(self, **options: Any) -> List[TimelineEntry]:
        """:meth:`memvid_sdk.Memvid.timeline`."""
        return await self._call(self.sync.timeline, **options)

    async def audit(self, question: str, **options: Any) -> Any:
        """:meth:`memvid_sdk.Memvid.audit`."""
        return await self._call(self.sync.audit, question, **options)

    async def when(self, phrase: str, **options: Any) -> WhenResult:
        """:meth:`memvid_sdk.Memvid.when`."""
        return await self._call(self.sync.when, phrase, **options)

    async def stats(self) -> Stats:
        """:meth:`memvid_sdk.Memvid.stats`."""
        return await self._call(self.sync.stats)

    async def verify(self, deep: bool = False) -> VerifyReport:
        """Verifies this memory's file (read-only checks; ``deep`` reads every record)."""
        return await self._call(self.sync.verify, deep)

    async def ingest(self, path: Any, **options: Any) -> IngestReport:
        """:meth:`memvid_sdk.Memvid.ingest`: a file or a tree, one transaction."""
        return await self._call(self.sync.ingest, path, **options)

    async def compact(self, dest: Any = None) -> None:
        """:meth:`memvid_sdk.Memvid.compact`."""
        await self._call(self.sync.compact, dest)

    async def export(self, dest: Any) -> None:
        """:meth:`memvid_sdk.Memvid.export`."""
        await self._call(self.sync.export, dest)

    async def begin(self) -> None:
        """Starts a transaction (see :meth:`transaction`)."""
        await self._call(self.sync.begin)

    async def commit(self) -> None:
        """Ends an open transaction (if any) and checkpoints."""
        await self._call(self.sync.commit)

    async def rollback(self) -> None:
        """Discards the open transaction's writes."""
        await self._call(self.sync.rollback)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator["AsyncMemvid"]:
        """``async with mem.transaction():`` commits on success, rolls back on an exception."""
        await self.begin()
        try:
            yield self
        except BaseException:
            await self.rollback()
            raise
        await self.commit()

    async def refresh(self) -> None:
        """Read-only handle: moves to the newest committed state."""
        await self._call(self.sync.refresh)

    async def seal(self) -> None:
        """Commits, checkpoints, syncs and closes."""
        await self._call(self.sync.seal)

    async def close(self) -> None:
        """Commits, checkpoints, syncs and releases the lock; a second close is a no-op."""
        await self._call(self.sync.close)


class _Opening:
    """What use() and create() return: await it for the handle, or ``async with`` it to have
    the handle closed at the end of the block."""

    __slots__ = ("_open", "_mem")

    def __init__(self, open_fn: Callable[[], Memvid]) -> None:
        self._open = open_fn
        self._mem: Optional[AsyncMemvid] = None

    async def _opened(self) -> AsyncMemvid:
        return AsyncMemvid(await _run(self._open))

    def __await__(self) -> Any:
        return self._opened().__await__()

    async def __aenter__(self) -> AsyncMemvid:
        self._mem = await self._opened()
        return self._mem

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self._mem is not None:
            await self._mem.close()


def use(kind: str, path: Any, **options: Any) -> _Opening:
    """:func:`memvid_sdk.use` without blocking the event loop: ``await aio.use(...)`` or
    ``async with aio.use(...) as mem:``."""
    return _Opening(functools.partial(_use, kind, path, **options))


def create(path: Any, **options: Any) -> _Opening:
    """:func:`memvid_sdk.create`, as :func:`use`."""
    return _Opening(functools.partial(_create, path, **options))


async def verify(path: Any, deep: bool = False) -> VerifyReport:
    """:func:`memvid_sdk.verify`, awaited."""
    return await _run(_verify, path, deep)


async def doctor(path: Any, **options: Any) -> DoctorReport:
    """:func:`memvid_sdk.doctor`, awaited."""
    return await _run(_doctor, path, **options)


async def restore(snapshot: Any, dest: Any, **options: Any) -> RestoreReport:
    """:func:`memvid_sdk.restore`, awaited."""
    return await _run(_restore, snapshot, dest, **options)
