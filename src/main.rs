//! The `docsift` command line: a thin layer over the library.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rayon::prelude::*;

#[derive(Parser)]
#[command(
    name = "docsift",
    version,
    about = "Entities, quotes and language of news documents"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Writes predictions on an annotated development set in the scorers' format.
    Eval {
        #[arg(value_enum)]
        task: EvalTask,
        /// Gold JSON Lines file (`{"id", "text", ...}` a line).
        gold: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum EvalTask {
    Ner,
    Quotes,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Eval { task, gold }) => eval(task, &gold),
        None => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("docsift: {error}");
            ExitCode::FAILURE
        }
    }
}

fn eval(task: EvalTask, gold: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
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
