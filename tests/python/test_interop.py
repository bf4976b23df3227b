"""docsift from an independent client (Python grpcio, stubs generated from proto/): the
bad-input catalogue, the grpc interop cases that apply to this service, and a SIGTERM during a
stream. Each case checks the documented status code, and that the server is healthy after it."""

import random
import threading
import time

import grpc
import pytest

from conftest import Server, assert_serving, docsift_pb2, request

LIMIT = 1024 * 1024  # --max-document-bytes, default


def code_of(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except grpc.RpcError as error:
        return error.code(), error.details()
    return grpc.StatusCode.OK, ""


def raw_unary(server, method, payload, timeout=10):
    """Sends `payload` as the request bytes, as a broken client library would."""
    channel = server.channel()
    call = channel.unary_unary(
        f"/docsift.v1.Analyzer/{method}",
        request_serializer=lambda raw: raw,
        response_deserializer=lambda raw: raw,
    )
    try:
        return code_of(call, payload, timeout=timeout)
    finally:
        assert_serving(channel)
        channel.close()


def spans_slice_their_text(text, response):
    """Code-point spans (Python's unit) slice the text a mention or quote reports."""
    for entity in response.entities:
        for mention in entity.mentions:
            assert text[mention.span.begin : mention.span.end] == mention.text
    for quote in response.quotes:
        assert text[quote.span.begin : quote.span.end] == quote.text


# -- the bad-input catalogue -------------------------------------------------------------


def test_empty_text_is_invalid_argument_naming_the_field(stub):
    code, details = code_of(stub.Analyze, request(""), timeout=10)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert details.startswith("document.text:")


@pytest.mark.parametrize("size", [LIMIT + LIMIT // 2, 30 * LIMIT])
def test_over_limit_text_is_invalid_argument_naming_the_limit(stub, size):
    code, details = code_of(stub.Analyze, request("a" * size), timeout=60)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert f"is {size} bytes; the limit is {LIMIT} bytes" in details


def test_100000_quote_marks(stub):
    text = "\u201c" * 50_000 + '"' * 50_000
    response = stub.Analyze(request(text, offset_unit=docsift_pb2.CODE_POINT), timeout=60)
    spans_slice_their_text(text, response)


def test_a_megabyte_without_a_space(stub):
    text = "x" * (LIMIT - 16)
    response = stub.Analyze(request(text), timeout=60)
    assert response.stats.characters == len(text)


def test_random_unicode_gets_valid_code_point_spans(stub):
    rng = random.Random(12)
    alphabet = [chr(c) for c in range(0x20, 0x3000) if not 0xD800 <= c < 0xE000]
    alphabet += ["\u201c", "\u201d", '"', " ", "\n\n", ". ", "\U0001F600", "\u200b", "\ufeff"]
    for _ in range(20):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3000)))
        if not text.strip():
            continue
        response = stub.Analyze(
            request(text, offset_unit=docsift_pb2.CODE_POINT), timeout=30
        )
        assert response.stats.characters == len(text)
        spans_slice_their_text(text, response)


def test_right_to_left_text(stub):
    text = "\u00abقال محمد عباس في رام الله إن السلام ممكن\u00bb. אמר בנימין נתניהו בירושלים."
    response = stub.Analyze(request(text, offset_unit=docsift_pb2.CODE_POINT), timeout=30)
    assert response.language.code in ("ara", "heb")
    spans_slice_their_text(text, response)


def test_a_1ms_deadline_is_deadline_exceeded(stub):
    text = "Prime Minister Hun Sen said on Thursday that the vote would go ahead. " * 2000
    code, _ = code_of(stub.Analyze, request(text, skip_cache=True), timeout=0.001)
    assert code == grpc.StatusCode.DEADLINE_EXCEEDED


def test_unknown_enum_value_is_invalid_argument(stub):
    code, details = code_of(stub.Analyze, request("Hello.", offset_unit=9), timeout=10)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert details.startswith("offset_unit: unknown value 9")


def test_invalid_utf8_text_is_invalid_argument(server):
    document = b"\x12\x04\xff\xfe\xfd\xfc"  # Document.text = 4 bytes that are not UTF-8
    payload = b"\x0a" + bytes([len(document)]) + document
    code, details = raw_unary(server, "Analyze", payload)
    assert code == grpc.StatusCode.INVALID_ARGUMENT, details
    assert "docsift.v1.AnalyzeRequest" in details


def test_truncated_message_is_invalid_argument(server):
    whole = request("Angela Merkel spoke in Berlin.").SerializeToString()
    code, details = raw_unary(server, "Analyze", whole[:-7])
    assert code == grpc.StatusCode.INVALID_ARGUMENT, details


def test_a_bad_document_in_a_batch_harms_no_other(stub):
    batch = docsift_pb2.AnalyzeBatchRequest(
        documents=[
            docsift_pb2.Document(id="a", text="Phay Siphan spoke."),
            docsift_pb2.Document(id="b", text=""),
            docsift_pb2.Document(id="c", text="x" * (LIMIT + 1)),
            docsift_pb2.Document(id="d", text="Chhum Socheat spoke."),
        ]
    )
    results = stub.AnalyzeBatch(batch, timeout=30).results
    assert [r.WhichOneof("outcome") for r in results] == ["analysis", "error", "error", "analysis"]
    assert results[1].error.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert results[2].error.field == "documents[2].text"


# -- grpc interop cases that apply -------------------------------------------------------


def test_empty_unary_like_minimal_document(stub):
    response = stub.Analyze(request("a", id=""), timeout=10)
    assert response.stats.characters == 1


def test_large_unary_at_the_size_limit(stub):
    word = "Cambodia "
    text = (word * (LIMIT // len(word) + 1))[:LIMIT]
    assert len(text.encode()) == LIMIT
    response = stub.Analyze(request(text, skip_cache=True), timeout=120)
    assert response.stats.characters == LIMIT
    code, _ = code_of(stub.Analyze, request(text + "x"), timeout=30)
    assert code == grpc.StatusCode.INVALID_ARGUMENT


def test_client_compressed_unary(stub):
    response = stub.Analyze(
        request("Phay Siphan said it in Phnom Penh. " * 200),
        compression=grpc.Compression.Gzip,
        timeout=30,
    )
    assert response.stats.words > 0


def test_server_compressed_unary(server):
    channel = server.channel(**{"grpc.default_compression_algorithm": 2})  # gzip
    call = docsift_pb2_grpc_stub(channel).Analyze.with_call(
        request("Phay Siphan said it in Phnom Penh. " * 200), timeout=30
    )
    _, rendezvous = call
    encodings = dict(rendezvous.initial_metadata()).get("grpc-encoding")
    assert rendezvous.code() == grpc.StatusCode.OK
    # The server answers compressed when the client offers gzip.
    assert encodings in (None, "gzip", "zstd")
    channel.close()


def docsift_pb2_grpc_stub(channel):
    from conftest import docsift_pb2_grpc

    return docsift_pb2_grpc.AnalyzerStub(channel)


class Feeder:
    """A request iterator a test feeds one document at a time."""

    def __init__(self):
        self.items = []
        self.cv = threading.Condition()
        self.closed = False

    def send(self, item):
        with self.cv:
            self.items.append(item)
            self.cv.notify()

    def close(self):
        with self.cv:
            self.closed = True
            self.cv.notify()

    def __iter__(self):
        while True:
            with self.cv:
                self.cv.wait_for(lambda: self.items or self.closed)
                if self.items:
                    item = self.items.pop(0)
                else:
                    return
            yield item


def test_ping_pong_on_analyze_stream(stub):
    feeder = Feeder()
    responses = stub.AnalyzeStream(iter(feeder), timeout=60)
    for n in range(6):
        feeder.send(request(f"Speaker number {n} said hello in Paris.", id=f"p{n}"))
        answer = next(responses)
        assert (answer.sequence, answer.id) == (n, f"p{n}")
        assert answer.WhichOneof("outcome") == "analysis"
    feeder.close()
    assert list(responses) == []


def test_cancel_after_begin(stub):
    feeder = Feeder()
    responses = stub.AnalyzeStream(iter(feeder), timeout=60)
    responses.cancel()
    with pytest.raises(grpc.RpcError) as raised:
        next(responses)
    assert raised.value.code() == grpc.StatusCode.CANCELLED
    feeder.close()


def test_cancel_after_first_response(stub):
    feeder = Feeder()
    responses = stub.AnalyzeStream(iter(feeder), timeout=60)
    feeder.send(request("Hun Sen said it.", id="first"))
    assert next(responses).id == "first"
    responses.cancel()
    with pytest.raises(grpc.RpcError) as raised:
        next(responses)
    assert raised.value.code() == grpc.StatusCode.CANCELLED
    feeder.close()


def test_timeout_on_sleeping_server(stub):
    feeder = Feeder()  # sends nothing: the server waits for a document
    responses = stub.AnalyzeStream(iter(feeder), timeout=0.2)
    with pytest.raises(grpc.RpcError) as raised:
        next(responses)
    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    feeder.close()


def test_status_code_and_message(stub):
    code, details = code_of(
        stub.Analyze, request("Hello.", offset_unit=docsift_pb2.UTF8), timeout=10
    )
    assert code == grpc.StatusCode.OK
    try:
        stub.Analyze(request("x" * (LIMIT + 5)), timeout=10)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert error.details() == (
            f"document.text: is {LIMIT + 5} bytes; the limit is {LIMIT} bytes "
            "(--max-document-bytes)"
        )
        # google.rpc.BadRequest details ride in the grpc-status-details-bin trailer.
        trailers = dict(error.trailing_metadata())
        assert "grpc-status-details-bin" in trailers
    else:
        pytest.fail("an over-limit document was accepted")


@pytest.mark.parametrize(
    "path",
    ["/docsift.v1.Analyzer/NoSuchMethod", "/docsift.v1.NoSuchService/Analyze"],
    ids=["unimplemented_method", "unimplemented_service"],
)
def test_unimplemented(server, path):
    channel = server.channel()
    call = channel.unary_unary(
        path, request_serializer=lambda raw: raw, response_deserializer=lambda raw: raw
    )
    code, _ = code_of(call, b"", timeout=10)
    assert code == grpc.StatusCode.UNIMPLEMENTED
    assert_serving(channel)
    channel.close()


# -- shutdown ------------------------------------------------------------------------------


def test_sigterm_during_a_stream_answers_every_admitted_document():
    server = Server("--grace-period", "60s", "--cache-max-bytes", "0")
    try:
        channel = server.channel()
        stub = docsift_pb2_grpc_stub(channel)
        documents = [
            request(f"\u201cWe remain friends,\u201d Phay Siphan said on day {n}.", id=f"d{n}")
            for n in range(400)
        ]
        answered = []
        responses = stub.AnalyzeStream(iter(documents), timeout=120)
        for answer in responses:
            answered.append(answer)
            if len(answered) == 20:
                threading.Thread(target=server.terminate, daemon=True).start()
        started = time.monotonic()
        assert sorted(a.sequence for a in answered) == list(range(400))
        assert all(a.WhichOneof("outcome") == "analysis" for a in answered)
        server.process.wait(timeout=60)
        assert server.process.returncode == 0
        assert time.monotonic() - started < 60
    finally:
        server.kill()
