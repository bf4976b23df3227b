"""The client: a channel to a docsift server and typed calls over it."""

from __future__ import annotations

import enum
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Optional, Union

import grpc

from ._generated import docsift_pb2 as pb
from ._generated import docsift_pb2_grpc as pb_grpc

#: A document for `analyze_many`: its text, an `(id, text)` pair, or a `Document` message.
DocumentLike = Union[str, "tuple[str, str]", pb.Document]


class OffsetUnit(enum.IntEnum):
    """The unit of every span's offsets. Python strings index code points."""

    UTF8 = pb.UTF8
    UTF16 = pb.UTF16
    CODE_POINT = pb.CODE_POINT


class DocsiftError(Exception):
    """A call failed: `code` is the gRPC status code, `message` says which field and limit."""

    def __init__(self, code: grpc.StatusCode, message: str):
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message


def _features(entities: bool, quotes: bool, language: bool) -> Optional[pb.Features]:
    if not (entities or quotes or language):
        return None  # all of them
    return pb.Features(entities=entities, quotes=quotes, language=language)


def _document(item: DocumentLike, index: int) -> pb.Document:
    if isinstance(item, pb.Document):
        return item
    if isinstance(item, str):
        return pb.Document(id=str(index), text=item)
    if isinstance(item, tuple) and len(item) == 2:
        return pb.Document(id=str(item[0]), text=item[1])
    raise TypeError(
        f"documents[{index}]: expected a str, an (id, text) pair or a Document, got {type(item).__name__}"
    )


class Client:
    """A connection to a docsift server. Thread-safe; close it (or use `with`) when done.

    `addr` is `host:port` (or `unix:/path`). `token` is sent as `authorization: Bearer TOKEN`.
    `tls` is False (plaintext), True (TLS with the system's roots), or PEM root certificates
    (bytes) to trust. `timeout` is the default deadline of each call, in seconds.
    """

    def __init__(
        self,
        addr: str = "127.0.0.1:50051",
        token: Optional[str] = None,
        tls: Union[bool, bytes] = False,
        *,
        offset_unit: OffsetUnit = OffsetUnit.CODE_POINT,
        timeout: Optional[float] = 60.0,
        options: Sequence[tuple] = (),
    ):
        if tls is False:
            self._channel = grpc.insecure_channel(addr, options=list(options))
        else:
            roots = tls if isinstance(tls, bytes) else None
            credentials = grpc.ssl_channel_credentials(root_certificates=roots)
            self._channel = grpc.secure_channel(addr, credentials, options=list(options))
        self._stub = pb_grpc.AnalyzerStub(self._channel)
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self.offset_unit = OffsetUnit(offset_unit)
        self.timeout = timeout

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._channel.close()

    def _call_metadata(self, request_id: Optional[str]) -> tuple:
        if request_id:
            return self._metadata + (("x-request-id", request_id),)
        return self._metadata

    def analyze(
        self,
        text: str,
        *,
        id: str = "",
        language_hint: str = "",
        entities: bool = False,
        quotes: bool = False,
        language: bool = False,
        offset_unit: Optional[OffsetUnit] = None,
        skip_cache: bool = False,
        timeout: Optional[float] = None,
        request_id: Optional[str] = None,
    ) -> pb.AnalyzeResponse:
        """Analyses one document and returns the `AnalyzeResponse` message.

        Name the features wanted (`entities=True`, ...); none named means all.
        """
        request = pb.AnalyzeRequest(
            document=pb.Document(id=id, text=text, language_hint=language_hint),
            features=_features(entities, quotes, language),
            offset_unit=int(offset_unit if offset_unit is not None else self.offset_unit),
            skip_cache=skip_cache,
        )
        try:
            return self._stub.Analyze(
                request,
                timeout=timeout if timeout is not None else self.timeout,
                metadata=self._call_metadata(request_id),
            )
        except grpc.RpcError as error:
            raise DocsiftError(error.code(), error.details()) from None

    def analyze_many(
        self,
        documents: Iterable[DocumentLike],
        *,
        entities: bool = False,
        quotes: bool = False,
        language: bool = False,
        offset_unit: Optional[OffsetUnit] = None,
        window: int = 64,
        ordered: bool = True,
        timeout: Optional[float] = None,
        request_id: Optional[str] = None,
    ) -> Iterator[pb.AnalyzeStreamResponse]:
        """Analyses documents over one `AnalyzeStream` and yields an `AnalyzeStreamResponse`
        for each: its `id`, its `sequence` (position in `documents`) and either `analysis` or
        `error` (`response.WhichOneof("outcome")`). One bad document never fails the others.

        `documents` is read lazily, with back-pressure: at most `window` documents are sent
        and not yet handed to you, so a slow reader of the results slows the reading of
        `documents`, and memory stays bounded however many there are. With `ordered` (the
        default) results come in input order; otherwise as soon as each is ready.
        """
        if window < 1:
            raise ValueError("window must be at least 1")
        features = _features(entities, quotes, language)
        unit = int(offset_unit if offset_unit is not None else self.offset_unit)
        room = threading.Semaphore(window)
        stop = threading.Event()

        def requests() -> Iterator[pb.AnalyzeRequest]:
            for index, item in enumerate(documents):
                while not room.acquire(timeout=0.1):
                    if stop.is_set():
                        return
                if stop.is_set():
                    return
                yield pb.AnalyzeRequest(
                    document=_document(item, index), features=features, offset_unit=unit
                )

        call = self._stub.AnalyzeStream(
            requests(),
            timeout=timeout,
            metadata=self._call_metadata(request_id),
        )
        pending: dict[int, pb.AnalyzeStreamResponse] = {}
        next_sequence = 0
        try:
            # Room for another document opens only as an answer is handed over, so answers
            # held back for order count against the window too.
            for response in call:
                if not ordered:
                    room.release()
                    yield response
                    continue
                pending[response.sequence] = response
                while next_sequence in pending:
                    room.release()
                    yield pending.pop(next_sequence)
                    next_sequence += 1
        except grpc.RpcError as error:
            raise DocsiftError(error.code(), error.details()) from None
        finally:
            stop.set()
            call.cancel()

    def info(self, timeout: Optional[float] = None) -> pb.GetInfoResponse:
        """The server's versions, languages, limits and cache figures."""
        try:
            return self._stub.GetInfo(
                pb.GetInfoRequest(),
                timeout=timeout if timeout is not None else self.timeout,
                metadata=self._metadata,
            )
        except grpc.RpcError as error:
            raise DocsiftError(error.code(), error.details()) from None
