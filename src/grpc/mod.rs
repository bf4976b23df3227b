//! The gRPC layer: validation, conversion between the API and the core, and the service.
