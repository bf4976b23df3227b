//! The generated protobuf types and service stubs of `docsift.v1`, with canonical JSON (serde)
//! from pbjson, and the conversion of the core's results into them.
//!
//! The cache stores results in this encoding too (with UTF-8 offsets), so the types live
//! below both the cache and the gRPC layer.

mod convert;
pub mod decode;
mod units;

pub use convert::{analysis_to_proto, offset_unit_from_proto};

#[allow(clippy::all, missing_docs)]
mod generated {
    tonic::include_proto!("docsift.v1");
    include!(concat!(env!("OUT_DIR"), "/docsift.v1.serde.rs"));
}

pub use generated::*;

/// The encoded file descriptor set of the API, served by reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/docsift_descriptor.bin"));
