"""A docsift server for the Python grpcio tests, and stubs generated for it.

The stubs are generated with grpcio-tools from proto/ into a temporary directory (never
committed); the server is the binary named by DOCSIFT_BIN (scripts/test builds it), started on a
free loopback port and stopped after the tests.
"""

import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

import grpc
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("DOCSIFT_BIN", str(ROOT / "target" / "debug" / "docsift"))


def _generate_stubs():
    from grpc_tools import protoc

    out = tempfile.mkdtemp(prefix="docsift-stubs-")
    include = pathlib.Path(protoc.__file__).parent / "_proto"
    code = protoc.main(
        [
            "grpc_tools.protoc",
            f"-I{ROOT / 'proto'}",
            f"-I{include}",
            f"--python_out={out}",
            f"--grpc_python_out={out}",
            str(ROOT / "proto" / "docsift" / "v1" / "docsift.proto"),
        ]
    )
    assert code == 0, "grpcio-tools could not compile the proto"
    sys.path.insert(0, out)


_generate_stubs()
from docsift.v1 import docsift_pb2, docsift_pb2_grpc  # noqa: E402


def _listen_address(line):
    """The address in the server's "docsift serving" line, JSON or text, or None."""
    text = re.sub(rb"\x1b\[[0-9;]*m", b"", line).decode("utf-8", "replace")
    if "docsift serving" not in text:
        return None
    if text.startswith("{"):
        return json.loads(text)["fields"]["listen"]
    return re.search(r"listen=(\S+)", text).group(1)


class Server:
    """A docsift process; `addr` is where it listens."""

    def __init__(self, *args, log_level="info", log_format="json"):
        self.process = subprocess.Popen(
            [BIN, "--log-format", log_format, "serve", "--listen", "127.0.0.1:0", *args],
            stderr=subprocess.PIPE,
            env={**os.environ, "RUST_LOG": log_level},
        )
        self.lines = []
        self.addr = None
        deadline = time.monotonic() + 60
        while self.addr is None:
            assert time.monotonic() < deadline, "the server did not start"
            line = self.process.stderr.readline()
            assert line, f"the server exited: {self.lines}"
            self.lines.append(line)
            self.addr = _listen_address(line)
        # Keep reading the log, so that a full pipe never blocks the server.
        self.reader = threading.Thread(target=self._read_log, daemon=True)
        self.reader.start()

    def _read_log(self):
        for line in self.process.stderr:
            self.lines.append(line)

    def channel(self, **options):
        return grpc.insecure_channel(
            self.addr,
            options=[("grpc.max_send_message_length", 64 << 20), *options.items()],
        )

    def stub(self, channel=None):
        return docsift_pb2_grpc.AnalyzerStub(channel or self.channel())

    def terminate(self, timeout=30):
        """Sends SIGTERM, waits for the exit and the whole log, and returns the exit code."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=timeout)
        self.reader.join(timeout=timeout)
        return self.process.returncode

    def log(self):
        return b"".join(self.lines).decode("utf-8", "replace")

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="session")
def server():
    started = Server("--grace-period", "5s")
    yield started
    started.kill()


@pytest.fixture()
def stub(server):
    channel = server.channel()
    yield docsift_pb2_grpc.AnalyzerStub(channel)
    # Whatever the test sent, the server is healthy after it.
    assert_serving(channel)
    channel.close()


def assert_serving(channel):
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    response = health_pb2_grpc.HealthStub(channel).Check(
        health_pb2.HealthCheckRequest(service=""), timeout=10
    )
    assert response.status == health_pb2.HealthCheckResponse.SERVING


def request(text, **fields):
    return docsift_pb2.AnalyzeRequest(
        document=docsift_pb2.Document(id=fields.pop("id", "doc"), text=text), **fields
    )
