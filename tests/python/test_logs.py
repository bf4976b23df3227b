"""Logs never carry document text: a server logging at every level (trace, its libraries'
included), in text and in JSON, is sent documents that succeed, fail validation, and are cut
off by a deadline; no line of its log holds any of their text."""

import grpc
import pytest

from conftest import Server, docsift_pb2, docsift_pb2_grpc, request

SECRET = "Zephyrine Quillfeather-Obuya"


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_logs_at_every_level_never_contain_document_text(log_format):
    server = Server(log_level="trace", log_format=log_format)
    try:
        stub = docsift_pb2_grpc.AnalyzerStub(server.channel())
        text = f"\u201cThe harvest is late,\u201d {SECRET} said in Phnom Penh on Thursday."
        stub.Analyze(request(text, id="doc-id-1"), timeout=30)
        stub.AnalyzeBatch(
            docsift_pb2.AnalyzeBatchRequest(
                documents=[
                    docsift_pb2.Document(id="b1", text=text),
                    docsift_pb2.Document(id="b2", text=f"{SECRET} " * 200_000),
                    docsift_pb2.Document(id="b3", text=text, language_hint="zz"),
                ]
            ),
            timeout=30,
        )
        list(stub.AnalyzeStream(iter([request(text), request(SECRET + " spoke.")]), timeout=30))
        for bad in [request(SECRET * 100_000), request(text, offset_unit=7)]:
            with pytest.raises(grpc.RpcError):
                stub.Analyze(bad, timeout=30)
        with pytest.raises(grpc.RpcError):
            stub.Analyze(request(text * 500, skip_cache=True), timeout=0.001)
        assert server.terminate() == 0
        log = server.log()
        assert len(log.splitlines()) > 50, "the trace level logs plenty"
        for fragment in [SECRET, "Quillfeather", "harvest is late"]:
            assert fragment not in log
    finally:
        server.kill()
