//! Flags of `docsift work`, `docsift enqueue` and `docsift collect`, each with a `DOCSIFT_*`
//! environment variable and a default, so that the three commands run a job with nothing but
//! `--nats-url` set.

use std::time::Duration;

use clap::Args;

use crate::config::{ConfigError, ServeArgs, Settings};

/// Pull batches a worker holds by default. With two, the analysis waited whenever a batch's
/// publish, acks and the next pull took longer than analysing one batch, as they do when
/// nats-server waits for a busy core: two workers on two cores kept the cores 95–96% busy,
/// against 97–98% with four (`scripts/bench-queue`).
const WINDOW_BATCHES: usize = 4;

/// Where the queue is: the server, the stream and its three subjects. Shared by the three
/// commands; the stream is created with these subjects when it is missing.
#[derive(Debug, Clone, Args)]
pub struct QueueArgs {
    /// NATS server(s), comma-separated: nats://host:4222. Credentials may be given in the URL
    /// (nats://user:password@host:4222), better through the environment variable.
    #[arg(
        long,
        env = "DOCSIFT_NATS_URL",
        default_value = "nats://127.0.0.1:4222"
    )]
    pub nats_url: String,
    /// The JetStream stream that holds documents, analyses and dead letters.
    #[arg(long, env = "DOCSIFT_NATS_STREAM", default_value = "DOCSIFT")]
    pub stream: String,
    /// Subject of the documents to analyse.
    #[arg(
        long,
        env = "DOCSIFT_NATS_SUBJECT",
        default_value = "docsift.documents"
    )]
    pub subject: String,
    /// Subject the analyses are published to.
    #[arg(
        long,
        env = "DOCSIFT_NATS_OUT_SUBJECT",
        default_value = "docsift.analyses"
    )]
    pub out_subject: String,
    /// Subject of the documents that cannot be analysed (malformed, over a limit, an analysis
    /// that failed), with the error in headers.
    #[arg(
        long,
        env = "DOCSIFT_NATS_DEAD_LETTER_SUBJECT",
        default_value = "docsift.dead"
    )]
    pub dead_letter_subject: String,
    /// The stream's duplicate window (applied when the stream is created): a result
    /// republished within it (a worker that died between publishing and acknowledging) is
    /// dropped by JetStream.
    #[arg(long, env = "DOCSIFT_NATS_DUPLICATE_WINDOW", default_value = "2m", value_parser = humantime::parse_duration)]
    pub duplicate_window: Duration,
}

/// Flags of `docsift work`: the queue, the shared consumer, and the same analysis options and
/// cache as `serve` (whose `--listen` serves the worker's gRPC health).
#[derive(Debug, Clone, Args)]
pub struct WorkArgs {
    #[command(flatten)]
    pub queue: QueueArgs,
    /// The durable pull consumer that every worker of a fleet shares.
    #[arg(long, env = "DOCSIFT_NATS_DURABLE", default_value = "docsift-workers")]
    pub durable: String,
    /// Documents asked for in one pull request.
    #[arg(long, env = "DOCSIFT_NATS_BATCH", default_value_t = 32)]
    pub batch: usize,
    /// Documents this worker holds at once (pulled, not yet acknowledged); 0 means four batches
    /// (one analysed while those before it are published and acknowledged and the next pull is
    /// under way), and at least four per analysis thread. At most --max-in-flight.
    #[arg(long, env = "DOCSIFT_NATS_IN_FLIGHT", default_value_t = 0)]
    pub in_flight: usize,
    /// How long a delivered document may stay unacknowledged before JetStream gives it to
    /// another worker (applied when the consumer is created).
    #[arg(long, env = "DOCSIFT_NATS_ACK_WAIT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub ack_wait: Duration,
    /// Deliveries of one document before it goes to the dead-letter subject (applied when the
    /// consumer is created).
    #[arg(long, env = "DOCSIFT_NATS_MAX_DELIVER", default_value_t = 5)]
    pub max_deliver: i64,
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// The checked configuration of a worker.
#[derive(Debug, Clone)]
pub struct WorkSettings {
    pub queue: QueueArgs,
    pub durable: String,
    pub batch: usize,
    pub in_flight: usize,
    pub ack_wait: Duration,
    pub max_deliver: i64,
    /// Limits, analysis threads, cache, grace period and the health listener, as `serve` has
    /// them.
    pub serve: Settings,
}

impl WorkArgs {
    pub fn settings(&self) -> Result<WorkSettings, ConfigError> {
        let invalid = |flag, requirement: &str, value: String| ConfigError::Invalid {
            flag,
            requirement: requirement.into(),
            value,
        };
        let serve = self.serve.settings()?;
        if self.batch == 0 {
            return Err(invalid("batch", "at least 1", "0".into()));
        }
        if self.ack_wait < Duration::from_secs(1) {
            return Err(invalid(
                "ack-wait",
                "at least 1s",
                humantime::format_duration(self.ack_wait).to_string(),
            ));
        }
        if self.max_deliver < 1 {
            return Err(invalid(
                "max-deliver",
                "at least 1",
                self.max_deliver.to_string(),
            ));
        }
        let in_flight = match self.in_flight {
            0 => (self.batch * WINDOW_BATCHES)
                .max(serve.workers * 4)
                .min(serve.max_in_flight),
            n if n > serve.max_in_flight => {
                return Err(invalid(
                    "in-flight",
                    &format!("at most --max-in-flight ({})", serve.max_in_flight),
                    n.to_string(),
                ));
            }
            n => n,
        };
        for (flag, subject) in [
            ("subject", &self.queue.subject),
            ("out-subject", &self.queue.out_subject),
            ("dead-letter-subject", &self.queue.dead_letter_subject),
        ] {
            if subject.is_empty() || subject.contains(char::is_whitespace) {
                return Err(invalid(
                    flag,
                    "a NATS subject without spaces",
                    format!("{subject:?}"),
                ));
            }
        }
        Ok(WorkSettings {
            queue: self.queue.clone(),
            durable: self.durable.clone(),
            batch: self.batch,
            in_flight,
            ack_wait: self.ack_wait,
            max_deliver: self.max_deliver,
            serve,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: WorkArgs,
    }

    fn parse(args: &[&str]) -> Result<WorkSettings, String> {
        let cli = Cli::try_parse_from(std::iter::once("docsift").chain(args.iter().copied()))
            .map_err(|e| e.to_string())?;
        cli.args.settings().map_err(|e| e.to_string())
    }

    #[test]
    fn every_flag_has_a_default() {
        let settings = parse(&[]).expect("defaults are valid");
        assert_eq!(settings.queue.stream, "DOCSIFT");
        assert_eq!(settings.durable, "docsift-workers");
        assert_eq!(
            settings.in_flight,
            (4 * settings.batch).max(settings.serve.workers * 4)
        );
    }

    #[test]
    fn refuses_bad_values_naming_the_flag() {
        let error = parse(&["--max-in-flight", "8", "--in-flight", "9"]).expect_err("over");
        assert_eq!(
            error,
            "--in-flight must be at most --max-in-flight (8) (got 9)"
        );
        let error = parse(&["--ack-wait", "10ms"]).expect_err("too short");
        assert!(
            error.starts_with("--ack-wait must be at least 1s"),
            "{error}"
        );
        let error = parse(&["--out-subject", "a b"]).expect_err("space");
        assert!(error.starts_with("--out-subject"), "{error}");
        assert!(parse(&["--max-deliver", "0"]).is_err());
    }
}
