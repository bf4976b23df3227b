//! The `docsift` command line: a thin layer over the library. `docsift` alone serves.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use docsift::analysis::text::OffsetUnit;
use docsift::analysis::{self, Features, Options};
use docsift::config::{LogFormat, ServeArgs};
use docsift::server::{self, Listener};

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
    /// Analyses files (or standard input) and prints one JSON line per document: the
    /// AnalyzeResponse in canonical protobuf JSON, as grpcurl prints it.
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
    },
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
        Some(Command::Health { addr, service }) => health(&addr, service),
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
        let listener = Listener::bind(&settings.listen).await?;
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

fn health(addr: &str, service: String) -> Result<(), BoxError> {
    use tonic_health::pb::{
        HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let endpoint = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))?
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

/// One document read from the inputs.
struct Input {
    id: String,
    text: String,
    language_hint: Option<String>,
}

fn analyze(args: &AnalyzeArgs) -> Result<(), BoxError> {
    let unit = match args.offsets {
        Offsets::Utf8 => OffsetUnit::Utf8,
        Offsets::Utf16 => OffsetUnit::Utf16,
        Offsets::CodePoint => OffsetUnit::CodePoint,
    };
    let features = Features {
        entities: args.features.contains(&Feature::Entities),
        quotes: args.features.contains(&Feature::Quotes),
        language: args.features.contains(&Feature::Language),
    };
    let inputs = read_inputs(args)?;
    let lines: Vec<Result<String, String>> = inputs
        .par_iter()
        .map(|input| {
            let options = Options {
                features,
                language_hint: input
                    .language_hint
                    .clone()
                    .or_else(|| args.language_hint.clone()),
            };
            match analysis::analyze(&input.text, &options) {
                Ok(result) => {
                    let mut response =
                        docsift::proto::analysis_to_proto(&input.text, &result, unit);
                    response.id = input.id.clone();
                    serde_json::to_string(&response).map_err(|e| format!("{}: {e}", input.id))
                }
                Err(error) => Err(format!("{}: {error}", input.id)),
            }
        })
        .collect();
    let mut out = std::io::stdout().lock();
    let mut failed = 0;
    for line in lines {
        match line {
            Ok(json) => writeln!(out, "{json}")?,
            Err(message) => {
                failed += 1;
                eprintln!("docsift: {message}");
            }
        }
    }
    out.flush()?;
    if failed > 0 {
        return Err(format!("{failed} document(s) could not be analysed").into());
    }
    Ok(())
}

fn read_inputs(args: &AnalyzeArgs) -> Result<Vec<Input>, BoxError> {
    let stdin = PathBuf::from("-");
    let files: Vec<&Path> = if args.files.is_empty() {
        vec![stdin.as_path()]
    } else {
        args.files.iter().map(PathBuf::as_path).collect()
    };
    let mut inputs = Vec::new();
    for path in files {
        let content = if path == Path::new("-") {
            std::io::read_to_string(std::io::stdin())?
        } else {
            std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?
        };
        if !args.jsonl {
            let id = path
                .file_name()
                .map_or("-".into(), |n| n.to_string_lossy().into_owned());
            inputs.push(Input {
                id,
                text: content,
                language_hint: None,
            });
            continue;
        }
        for (number, line) in content.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let value: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| format!("{}:{}: {e}", path.display(), number + 1))?;
            let text = value["text"]
                .as_str()
                .ok_or_else(|| format!("{}:{}: no \"text\" string", path.display(), number + 1))?;
            inputs.push(Input {
                id: match &value["id"] {
                    serde_json::Value::String(id) => id.clone(),
                    serde_json::Value::Null => format!("{}:{}", path.display(), number + 1),
                    other => other.to_string(),
                },
                text: text.to_owned(),
                language_hint: value["language_hint"].as_str().map(str::to_owned),
            });
        }
    }
    Ok(inputs)
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
    let mut out = std::io::stdout().lock();
    for line in predictions {
        writeln!(out, "{line}")?;
    }
    Ok(())
}
