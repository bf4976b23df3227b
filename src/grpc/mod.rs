//! The gRPC layer: validation, conversion between the API and the core, and the service.
//! Thin by design: handlers validate, call the analysis, and convert the result.

pub mod codec;
pub mod deadline;
pub mod service;
mod status;

// The transport-free part of a request (validation, the pool, the error) is shared with the
// other front ends; these names keep the paths the gRPC code has always used.
pub use crate::request::{error, validate, workers};

pub use error::ServiceError;
pub use service::AnalyzerService;
