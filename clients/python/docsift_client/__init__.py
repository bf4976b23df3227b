"""A Python client for docsift: entities, quotations with their speakers, and language.

    from docsift_client import Client

    text = "“We remain friends,” Phay Siphan said."
    with Client("127.0.0.1:50051") as client:
        response = client.analyze(text)
        for quote in response.quotes:
            print(quote.speaker.name, text[quote.span.begin:quote.span.end])

Offsets are in Unicode code points unless asked otherwise, so `text[span.begin:span.end]` is
the span's text in Python.
"""

from ._client import Client, DocsiftError, OffsetUnit
from ._generated import docsift_pb2 as messages

__all__ = ["Client", "DocsiftError", "OffsetUnit", "messages"]
