//! The queue worker: a fleet of docsift processes shares a corpus job through NATS JetStream.
//!
//! Documents go into a durable stream (`docsift enqueue`); any number of workers on any number
//! of machines pull from one shared durable consumer (`docsift work`), publish each analysis
//! and only then acknowledge the document; the analyses are read out into JSON Lines
//! (`docsift collect`). JetStream does the queueing, the redelivery of a dead worker's
//! documents and the de-duplication of republished results; this module only connects those
//! to the analysis, through the same request path (limits, pool, cache) as the gRPC service.

pub mod collect;
pub mod config;
pub mod enqueue;
mod health;
pub mod message;
pub mod queue;
pub mod work;

pub use collect::{CollectArgs, collect};
pub use config::{QueueArgs, WorkArgs, WorkSettings};
pub use enqueue::{EnqueueArgs, Enqueued, enqueue};
pub use work::{WorkError, work, work_with};
