"""Generates the gRPC stubs from docsift's proto when the package is built.

The stubs are never committed: `pip install ./clients/python` runs grpcio-tools (a build
requirement) on proto/docsift/v1/docsift.proto, so the client always matches the proto beside
it.
"""

import os
import re
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent
PROTO_FILE = "docsift/v1/docsift.proto"


def proto_root() -> Path:
    """The directory holding docsift/v1/docsift.proto: DOCSIFT_PROTO_DIR, or the repository's."""
    candidates = [os.environ.get("DOCSIFT_PROTO_DIR"), HERE / "proto", HERE.parent.parent / "proto"]
    for candidate in candidates:
        if candidate and (Path(candidate) / PROTO_FILE).is_file():
            return Path(candidate)
    raise RuntimeError(
        f"cannot find {PROTO_FILE}: build from the docsift repository, or set DOCSIFT_PROTO_DIR"
    )


def generate(out: Path) -> None:
    from grpc_tools import protoc  # a build requirement (pyproject.toml)
    import grpc_tools

    out.mkdir(parents=True, exist_ok=True)
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    args = [
        "grpc_tools.protoc",
        f"-I{proto_root()}",
        f"-I{well_known}",
        f"--python_out={out}",
        f"--pyi_out={out}",
        f"--grpc_python_out={out}",
        PROTO_FILE,
    ]
    if protoc.main(args) != 0:
        raise RuntimeError("grpcio-tools could not compile " + PROTO_FILE)
    # Flatten docsift/v1/*.py into the package and make the stubs' import of the messages
    # relative, so that the client owns no top-level `docsift` package.
    generated = out / "docsift" / "v1"
    for path in generated.iterdir():
        text = path.read_text()
        text = re.sub(r"^from docsift\.v1 import ", "from . import ", text, flags=re.M)
        (out / path.name).write_text(text)
    for path in sorted(out.joinpath("docsift").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    out.joinpath("docsift").rmdir()
    (out / "__init__.py").write_text('"""Generated from docsift.proto at build time."""\n')


# Every build step (metadata, wheel, editable) needs the stubs' package to exist.
generate(HERE / "docsift_client" / "_generated")
setup()
