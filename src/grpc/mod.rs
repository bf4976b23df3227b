//! The gRPC layer: validation, conversion between the API and the core, and the service.
//! Thin by design: handlers validate, call the analysis, and convert the result.

pub mod codec;
pub mod deadline;
pub mod error;
pub mod service;
pub mod validate;
pub mod workers;

pub use error::ServiceError;
pub use service::AnalyzerService;
