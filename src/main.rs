//! The `docsift` command line: a thin layer over the library. `docsift` alone serves.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use docsift::analysis::text::OffsetUnit;
use docsift::analysis::{self, Features};
use docsift::config::{LogFormat, ServeArgs};
use docsift::server::{self, Listener};
use docsift::tls::ClientTlsArgs;

#[derive(Parser)]
#[command(
    name = "docsift",
    version,
    about = "Entities, quotes and language of news documents, over gRPC"
)]
struct Cli {
    /// Log format.
    #[arg(
        long,
        global = true,
        env = "DOCSIFT_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Option<Command>,
    /// `serve`'s flags, when no subcommand is given.
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the gRPC server (the default).
    Serve(ServeArgs),
    /// Analyses files (or standard input) and prints one JSON line per document (the
    /// AnalyzeResponse in canonical protobuf JSON, as grpcurl prints it), or `--format html`,
    /// `json` or `text`. A bad file or line gets an error record in its place; the run goes on
    /// and exits non-zero at the end.
    Analyze(AnalyzeArgs),
    /// Checks a server's health over gRPC (grpc.health.v1); exits 0 when it is SERVING. For
    /// container HEALTHCHECKs, where no other probe binary is at hand.
    Health {
        /// The server's address: HOST:PORT or unix:/path.
        #[arg(long, default_value = "127.0.0.1:50051")]
        addr: String,
        /// The service to check; the empty name is the whole server.
        #[arg(long, default_value = "")]
        service: String,
        #[command(flatten)]
        tls: ClientTlsArgs,
    },
    /// Pulls documents from NATS JetStream, analyses them and publishes the analyses: one of a
    /// fleet of workers sharing a durable consumer. Serves gRPC health on --listen.
    Work(docsift::worker::WorkArgs),
    /// Publishes documents from JSON Lines into the NATS JetStream stream, for `work`.
    Enqueue(docsift::worker::EnqueueArgs),
    /// Reads analyses (or dead letters) from the NATS JetStream stream into JSON Lines.
    Collect(docsift::worker::CollectArgs),
    /// Writes predictions on an annotated development set in the scorers' format.
    Eval {
        #[arg(value_enum)]
        task: EvalTask,
        /// Gold JSON Lines file (`{"id", "text", ...}` a line).
        gold: PathBuf,
    },
}

#[derive(clap::Args)]
struct AnalyzeArgs {
    /// Files to analyse; `-` or none reads standard input.
    files: Vec<PathBuf>,
    /// Inputs are JSON Lines, `{"id": ..., "text": ..., "language_hint": ...}` a line.
    #[arg(long)]
    jsonl: bool,
    /// Unit of the offsets in the output.
    #[arg(long, value_enum, default_value = "utf8")]
    offsets: Offsets,
    /// Features to compute (all when none is named).
    #[arg(long, value_enum, value_delimiter = ',')]
    features: Vec<Feature>,
    /// Language hint for every document (see the API's `Document.language_hint`).
    #[arg(long)]
    language_hint: Option<String>,
    /// Output: `jsonl` (one JSON object a line), `json` (an array), `html` (one self-contained
    /// page showing each text with its entities and quotes marked), `text` (a summary to read).
    #[arg(long, value_enum, default_value = "jsonl")]
    format: docsift::cli::Format,
    /// Analysis threads; 0 means one per core. Output stays in input order.
    #[arg(long, default_value_t = 0)]
    jobs: usize,
    /// No progress bar and no summary line on standard error.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Offsets {
    Utf8,
    Utf16,
    CodePoint,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Feature {
    Entities,
    Quotes,
    Language,
}

#[derive(Clone, Copy, ValueEnum)]
enum EvalTask {
    Ner,
    Quotes,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let otlp_endpoint = match &cli.command {
        None => cli.serve.otlp_endpoint.clone(),
        Some(Command::Serve(args)) => args.otlp_endpoint.clone(),
        Some(_) => None,
    };
    // Kept until exit: dropping it sends the last spans.
    let _traces = match docsift::telemetry::init(cli.log_format, otlp_endpoint.as_deref()) {
        Ok(exporter) => exporter,
        Err(error) => {
            eprintln!("docsift: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Analyze(args)) => analyze(&args),
        Some(Command::Eval { task, gold }) => eval(task, &gold),
        Some(Command::Health { addr, service, tls }) => health(&addr, service, &tls),
        Some(Command::Work(args)) => work(&args),
        Some(Command::Enqueue(args)) => enqueue(&args),
        Some(Command::Collect(args)) => collect(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("docsift: {error}");
            ExitCode::FAILURE
        }
    }
}

fn serve(args: ServeArgs) -> Result<(), BoxError> {
    let settings = args.settings()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener =
            Listener::bind_with_mode(&settings.listen, settings.unix_socket_mode).await?;
        tracing::info!(
            listen = %listener.local_addr(),
            workers = settings.workers,
            engine = analysis::ENGINE_VERSION,
            "docsift serving"
        );
        server::serve(settings, listener, docsift::shutdown::signal()).await?;
        Ok(())
    })
}

fn health(addr: &str, service: String, tls: &ClientTlsArgs) -> Result<(), BoxError> {
    use tonic_health::pb::{
        HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let endpoint = tls
            .endpoint(addr)?
            .connect_timeout(std::time::Duration::from_secs(3))
            .timeout(std::time::Duration::from_secs(3));
        let mut client = HealthClient::new(endpoint.connect().await?);
        let status = client
            .check(HealthCheckRequest { service })
            .await?
            .into_inner()
            .status;
        if status == ServingStatus::Serving as i32 {
            println!("SERVING");
            Ok(())
        } else {
            Err(format!(
                "not serving: {:?}",
                ServingStatus::try_from(status).unwrap_or(ServingStatus::Unknown)
            )
            .into())
        }
    })
}

fn analyze(args: &AnalyzeArgs) -> Result<(), BoxError> {
    let config = docsift::cli::AnalyzeFiles {
        files: args.files.clone(),
        jsonl: args.jsonl,
        format: args.format,
        unit: match args.offsets {
            Offsets::Utf8 => OffsetUnit::Utf8,
            Offsets::Utf16 => OffsetUnit::Utf16,
            Offsets::CodePoint => OffsetUnit::CodePoint,
        },
        features: Features {
            entities: args.features.contains(&Feature::Entities),
            quotes: args.features.contains(&Feature::Quotes),
            language: args.features.contains(&Feature::Language),
        },
        language_hint: args.language_hint.clone(),
        jobs: args.jobs,
        progress: !args.quiet,
    };
    let summary = docsift::cli::analyze_files(&config, std::io::stdout().lock())?;
    if !args.quiet {
        eprintln!("docsift: {summary}");
    }
    if summary.errors > 0 {
        return Err(format!(
            "{} of {} inputs could not be analysed (see their error records)",
            summary.errors, summary.documents
        )
        .into());
    }
    Ok(())
}

fn eval(task: EvalTask, gold: &Path) -> Result<(), BoxError> {
    let file = std::fs::File::open(gold).map_err(|e| format!("{}: {e}", gold.display()))?;
    let lines: Vec<String> = std::io::BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()?;
    let predictions: Vec<String> = lines
        .par_iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let document: serde_json::Value = serde_json::from_str(line)?;
            let id = document["id"].as_str().unwrap_or_default();
            let text = document["text"].as_str().unwrap_or_default();
            let prediction = match task {
                EvalTask::Ner => docsift::evaluation::ner::predict(id, text),
                EvalTask::Quotes => docsift::evaluation::quotes::predict(id, text),
            };
            Ok(prediction.to_string())
        })
        .collect::<Result<_, serde_json::Error>>()?;
    if matches!(task, EvalTask::Ner) {
        // Where the errors are, for the reader; the scorer reads only stdout.
        eprint!("{}", docsift::evaluation::ner::report(&lines, &predictions));
    }
    let mut out = std::io::stdout().lock();
    for line in predictions {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn work(args: &docsift::worker::WorkArgs) -> Result<(), BoxError> {
    let settings = args.settings()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = Listener::bind(&settings.serve.listen).await?;
        tracing::info!(
            health = %listener.local_addr(),
            nats = %settings.queue.nats_url,
            workers = settings.serve.workers,
            engine = analysis::ENGINE_VERSION,
            "docsift worker starting"
        );
        docsift::worker::work(settings, listener, docsift::shutdown::signal()).await?;
        Ok(())
    })
}

fn enqueue(args: &docsift::worker::EnqueueArgs) -> Result<(), BoxError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let enqueued = runtime.block_on(docsift::worker::enqueue(args))?;
    if enqueued.skipped > 0 {
        return Err(format!("{} line(s) were not documents", enqueued.skipped).into());
    }
    Ok(())
}

fn collect(args: &docsift::worker::CollectArgs) -> Result<(), BoxError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    runtime.block_on(docsift::worker::collect(args, &mut out))?;
    Ok(())
}
