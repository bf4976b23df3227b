//! `docsift-train ner --train FILE --out FILE`: trains the entity tagger on CoNLL-style JSON
//! Lines (`{"text", "entities": [{"start", "end", "label"}]}`, code-point offsets) and writes the
//! model file that the library embeds (`models/ner.bin`). Deterministic: the same data and
//! options give the same bytes.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use docsift::analysis::entities::train::{Example, train};

#[derive(Parser)]
#[command(name = "docsift-train", about = "Trains docsift's models")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Trains the named-entity tagger.
    Ner {
        /// Training data, JSON Lines.
        #[arg(long)]
        train: PathBuf,
        /// Where to write the model.
        #[arg(long, default_value = "models/ner.bin")]
        out: PathBuf,
        #[arg(long, default_value_t = 8)]
        epochs: usize,
        /// Averaged weights smaller than this are dropped from the model.
        #[arg(long, default_value_t = 0.0)]
        prune: f32,
        /// Folds of the jackknife that makes the second pass's training input.
        #[arg(long, default_value_t = 4)]
        folds: usize,
    },
}

fn main() -> ExitCode {
    let Command::Ner {
        train: path,
        out,
        epochs,
        prune,
        folds,
    } = Cli::parse().command;
    match run(&path, &out, epochs, prune, folds) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("docsift-train: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(
    path: &PathBuf,
    out: &PathBuf,
    epochs: usize,
    prune: f32,
    folds: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut examples = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let document: serde_json::Value = serde_json::from_str(&line)?;
        let text = document["text"]
            .as_str()
            .ok_or("a document without text")?
            .to_owned();
        // Code-point offsets to byte offsets.
        let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes.push(text.len());
        let mut names = Vec::new();
        for entity in document["entities"].as_array().into_iter().flatten() {
            let start = entity["start"].as_u64().ok_or("an entity without start")? as usize;
            let end = entity["end"].as_u64().ok_or("an entity without end")? as usize;
            let kind = match entity["label"].as_str().unwrap_or("") {
                "PER" | "PERSON" => 0,
                "ORG" | "ORGANIZATION" => 1,
                "LOC" | "LOCATION" => 2,
                _ => 3,
            };
            if let (Some(&b), Some(&e)) = (bytes.get(start), bytes.get(end)) {
                names.push((b, e, kind));
            }
        }
        examples.push(Example { text, names });
    }
    let started = std::time::Instant::now();
    let (model, report) = train(&examples, epochs, prune, folds);
    std::fs::write(out, &model).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!(
        "{} documents, {} tokens, {} names ({} not on token edges); {} features, {} kept; \
         {} bytes; accuracy by epoch {:?}; {:.1} s",
        report.documents,
        report.tokens,
        report.names,
        report.unaligned,
        report.features,
        report.kept,
        model.len(),
        report
            .accuracy
            .iter()
            .map(|a| format!("{a:.4}"))
            .collect::<Vec<_>>(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
