"""The Python client against a real docsift server (the binary built by cargo).

The server is `$DOCSIFT_BIN`, or target/debug/docsift (then target/release/docsift) of the
repository this package sits in.
"""

import itertools
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import grpc
import pytest

from docsift_client import Client, DocsiftError, OffsetUnit

REPO = Path(__file__).resolve().parents[3]
SEED = (REPO / "tests" / "fixtures" / "000_29c7824f0ca31858.txt").read_text()
TOKEN = "s3cret-token"


def docsift_binary() -> str:
    if os.environ.get("DOCSIFT_BIN"):
        return os.environ["DOCSIFT_BIN"]
    for profile in ("debug", "release"):
        path = REPO / "target" / profile / "docsift"
        if path.is_file():
            return str(path)
    pytest.skip("no docsift binary: run `cargo build` or set DOCSIFT_BIN")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, *flags: str):
        self.port, self.metrics_port = free_port(), free_port()
        self.addr = f"127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                docsift_binary(),
                "serve",
                "--listen",
                self.addr,
                "--metrics-listen",
                f"127.0.0.1:{self.metrics_port}",
                *flags,
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                grpc.channel_ready_future(grpc.insecure_channel(self.addr)).result(timeout=0.5)
                return
            except grpc.FutureTimeoutError:
                if self.process.poll() is not None:
                    raise RuntimeError("docsift exited: " + self.process.stderr.read())
        raise RuntimeError("docsift did not start within 30 s")

    def metrics(self) -> str:
        url = f"http://127.0.0.1:{self.metrics_port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()

    def stop(self) -> str:
        self.process.terminate()
        _, stderr = self.process.communicate(timeout=30)
        return stderr


@pytest.fixture(scope="module")
def server():
    server = Server("--auth-token", TOKEN)
    yield server
    server.stop()


@pytest.fixture
def client(server):
    with Client(server.addr, token=TOKEN) as client:
        yield client


def test_offsets_are_code_points_so_python_slices_are_right(client):
    # Curly quotes and an accented name: UTF-8 offsets would be off by several characters.
    text = "“Nous restons amis,” said José Núñez in Phnom Penh on Thursday. " + SEED
    response = client.analyze(text, id="seed")
    assert response.id == "seed"
    assert response.language.code == "eng"
    assert response.entities and response.quotes
    for entity in response.entities:
        for mention in entity.mentions:
            assert text[mention.span.begin : mention.span.end] == mention.text
    for quote in response.quotes:
        assert text[quote.span.begin : quote.span.end] == quote.text
    first = response.quotes[0]
    assert first.text.startswith("“Nous restons amis")


def test_utf8_offsets_on_request(client):
    text = "“Ça va,” Phay Siphan said."
    response = client.analyze(text, offset_unit=OffsetUnit.UTF8, quotes=True)
    data = text.encode()
    quote = response.quotes[0]
    assert data[quote.span.begin : quote.span.end].decode() == quote.text


def test_features_limit_the_answer(client):
    response = client.analyze("Der Hund läuft schnell nach Hause.", language=True)
    assert response.language.code == "deu"
    assert not response.entities and not response.quotes


def test_a_bad_document_is_a_clear_error(client):
    with pytest.raises(DocsiftError) as error:
        client.analyze("   ")
    assert error.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "document.text" in error.value.message


def test_the_token_is_required(server):
    with Client(server.addr) as anonymous:
        with pytest.raises(DocsiftError) as error:
            anonymous.analyze("Hello world.")
    assert error.value.code == grpc.StatusCode.UNAUTHENTICATED


def test_analyze_many_answers_in_order_with_errors_in_their_slots(client):
    documents = ["Angela Merkel visited Paris.", ("empty", ""), ("seed", SEED)] * 5
    results = list(client.analyze_many(documents, window=4))
    assert [r.sequence for r in results] == list(range(15))
    for index, result in enumerate(results):
        if index % 3 == 1:
            assert result.WhichOneof("outcome") == "error"
            assert result.id == "empty"
            assert "text" in result.error.field
        else:
            assert result.WhichOneof("outcome") == "analysis"
    assert results[0].analysis.entities[0].name in {"Angela Merkel", "Paris"}


def test_analyze_many_reads_documents_only_as_fast_as_results_are_read(client):
    pulled = 0

    def documents():
        nonlocal pulled
        for index in itertools.count():
            pulled += 1
            yield (str(index), f"Document {index}: Angela Merkel visited Paris.")

    window = 4
    results = client.analyze_many(documents(), window=window)
    first = [next(results) for _ in range(3)]
    assert [r.sequence for r in first] == [0, 1, 2]
    time.sleep(0.5)  # room for a client that ignored the window to run ahead
    # Answered (3) plus the window, plus one taken from the iterator while waiting for room.
    assert pulled <= 3 + window + 1, pulled
    results.close()


def test_metrics_count_the_calls(server, client):
    before = server.metrics()
    client.analyze("Angela Merkel visited Paris.", request_id="py-metrics-1")
    after = server.metrics()

    def value(text: str, series: str) -> float:
        for line in text.splitlines():
            if line.startswith(series + " "):
                return float(line.split()[-1])
        return 0.0

    series = 'docsift_requests_total{rpc="docsift.v1.Analyzer/Analyze",code="OK"}'
    assert value(after, series) == value(before, series) + 1
    assert value(after, "docsift_documents_total") >= value(before, "docsift_documents_total") + 1
    assert 'docsift_build_info{version="' in after


def test_info(client):
    info = client.info()
    assert info.engine_version.startswith("docsift-engine/")
    assert info.limits.max_document_bytes > 0
