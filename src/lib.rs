//! docsift reads news-style documents and returns the entities they name, the direct quotations
//! in them with who said each, and their language.
//!
//! Three layers, each depending only on the one below: [`analysis`] (pure, synchronous),
//! [`cache`], and [`grpc`] (the service).

mod allocator;
pub mod analysis;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod config;
pub mod evaluation;
pub mod grpc;
pub mod invariants;
pub mod proto;
pub mod render;
pub mod request;
pub mod server;
pub mod shutdown;
pub mod telemetry;
pub mod tls;
pub mod unix_socket;
pub mod web;
pub mod worker;
