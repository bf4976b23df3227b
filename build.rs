//! Compiles `proto/` with the pure-Rust protox, so no system `protoc` is needed, and uses the one
//! descriptor set three ways: the tonic/prost code, the pbjson serde code (canonical JSON), and
//! the encoded set that server reflection serves.

use std::path::PathBuf;

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto = "proto/docsift/v1/docsift.proto";
    println!("cargo:rerun-if-changed={proto}");
    let descriptors = protox::Compiler::new(["proto"])?
        .include_imports(true)
        .include_source_info(true)
        .open_files([proto])?
        .file_descriptor_set();
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let encoded = descriptors.encode_to_vec();
    std::fs::write(out.join("docsift_descriptor.bin"), &encoded)?;

    tonic_prost_build::configure()
        // prost's codec, but a malformed request is the client's fault (src/grpc/codec.rs).
        .codec_path("crate::grpc::codec::Codec")
        .compile_well_known_types(true)
        .extern_path(".google.protobuf", "::pbjson_types")
        .compile_fds(descriptors)?;
    pbjson_build::Builder::new()
        .register_descriptors(&encoded)?
        .build(&[".docsift.v1"])?;
    Ok(())
}
