//! `docsift-train ner --train FILE --out FILE`: trains the entity tagger on CoNLL-style JSON
//! Lines (`{"text", "entities": [{"start", "end", "label"}]}`, code-point offsets) and writes the
//! model file that the library embeds (`models/ner.bin`). Deterministic: the same data and
//! options give the same bytes.
//!
//! `docsift-train ner-cv --train FILE`: k-fold cross-validation over the training documents,
//! the figure that features, settings and corrections are chosen by (the development set is
//! scored once, at the end). Each fold's model is trained on the other folds only; the held-out
//! documents go through the whole entity stage (tagger, corrections, grouping) and are scored
//! as `score_ner.py` scores, once with every correction and, with `--each-correction`, once
//! without each of them.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use docsift::analysis::MentionKind;
use docsift::analysis::entities::tagger::Decoding;
use docsift::analysis::entities::train::{Example, Settings, train};
use docsift::analysis::entities::{self, Corrections, tagger};
use docsift::analysis::text::Document;
use docsift::evaluation::ner::{LABELS, Name, Score, names_line};
use rayon::prelude::*;

#[derive(Parser)]
#[command(name = "docsift-train", about = "Trains docsift's models")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Training {
    /// Training data, JSON Lines.
    #[arg(long)]
    train: PathBuf,
    #[arg(long, default_value_t = 12)]
    epochs: usize,
    /// Averaged weights smaller than this are dropped from the model.
    #[arg(long, default_value_t = 0.0)]
    prune: f32,
    /// Folds of the jackknife that makes the second pass's training input.
    #[arg(long, default_value_t = 4)]
    folds: usize,
    /// By how much the right tag must outscore every wrong one before a token teaches
    /// nothing (0: the plain perceptron).
    #[arg(long, default_value_t = 100.0)]
    margin: f32,
}

impl Training {
    fn settings(&self) -> Settings {
        Settings {
            epochs: self.epochs,
            prune: self.prune,
            folds: self.folds,
            margin: self.margin,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Trains the named-entity tagger.
    Ner {
        #[command(flatten)]
        training: Training,
        /// Where to write the model.
        #[arg(long, default_value = "models/ner.bin")]
        out: PathBuf,
    },
    /// Cross-validates the named-entity tagger and its corrections on the training data.
    NerCv {
        #[command(flatten)]
        training: Training,
        /// Folds of the cross-validation (document i is in fold i mod k).
        #[arg(long, default_value_t = 5)]
        cv_folds: usize,
        /// Folds trained at once (each a thread).
        #[arg(long, default_value_t = 1)]
        jobs: usize,
        /// Also score the held-out folds without each correction in turn.
        #[arg(long)]
        each_correction: bool,
        /// Also score beam decoding of this width (with every correction).
        #[arg(long)]
        beam: Option<usize>,
        /// With --beam: rank sequences by log-probabilities at each of these temperatures
        /// (comma-separated), each scored apart, instead of by raw score sums.
        #[arg(long, value_delimiter = ',', requires = "beam")]
        beam_temperatures: Vec<f32>,
        /// Also score greedy decoding with every tag but "outside" lowered by each of these
        /// (comma-separated), each scored apart.
        #[arg(long, value_delimiter = ',')]
        name_biases: Vec<f32>,
        /// Write the held-out documents' names (every correction) here, as JSON Lines that
        /// `score_ner.py` reads beside the training file: for error analysis.
        #[arg(long)]
        predictions: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Ner { training, out } => run(&training, &out),
        Command::NerCv {
            training,
            cv_folds,
            jobs,
            each_correction,
            beam,
            beam_temperatures,
            name_biases,
            predictions,
        } => cross_validate(
            &training,
            cv_folds,
            jobs,
            each_correction,
            &other_decodings(beam, &beam_temperatures, &name_biases),
            predictions.as_deref(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("docsift-train: {error}");
            ExitCode::FAILURE
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The training documents and their ids (the line number where a document has none).
fn load(path: &PathBuf) -> Result<(Vec<Example>, Vec<serde_json::Value>), BoxError> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut examples = Vec::new();
    let mut ids = Vec::new();
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
        ids.push(match &document["id"] {
            serde_json::Value::Null => serde_json::Value::from(ids.len()),
            id => id.clone(),
        });
        examples.push(Example { text, names });
    }
    Ok((examples, ids))
}

fn run(training: &Training, out: &PathBuf) -> Result<(), BoxError> {
    let (examples, _) = load(&training.train)?;
    let started = std::time::Instant::now();
    let (model, report) = train(&examples, training.settings());
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

/// The proper mentions of the entities found in `doc` with `corrections`, as scored names.
fn predicted(doc: &Document, tagged: &[tagger::Tagged], corrections: Corrections) -> Vec<Name> {
    let kind = |k: docsift::analysis::EntityType| docsift::evaluation::ner::label_index(k.as_str());
    entities::group_with(doc, tagged, corrections)
        .iter()
        .flat_map(|e| {
            e.mentions
                .iter()
                .filter(|m| m.kind == MentionKind::Proper)
                .map(|m| (m.span.begin, m.span.end, kind(e.kind)))
        })
        .collect()
}

/// The decodings scored beside the embedded one: greedy with each name bias, and a beam of
/// `width` ranked by raw sums or at each temperature.
fn other_decodings(width: Option<usize>, temperatures: &[f32], biases: &[f32]) -> Vec<Decoding> {
    let mut decodings: Vec<Decoding> = biases
        .iter()
        .map(|&name_bias| Decoding::Greedy { name_bias })
        .collect();
    if let Some(width) = width {
        let ranks: Vec<Option<f32>> = if temperatures.is_empty() {
            vec![None]
        } else {
            temperatures.iter().map(|&t| Some(t)).collect()
        };
        for temperature in ranks {
            for name_bias in std::iter::once(0.0).chain(biases.iter().copied()) {
                decodings.push(Decoding::Beam {
                    width,
                    temperature,
                    name_bias,
                });
            }
        }
    }
    decodings
}

fn cross_validate(
    training: &Training,
    folds: usize,
    jobs: usize,
    each_correction: bool,
    decodings: &[Decoding],
    predictions: Option<&std::path::Path>,
) -> Result<(), BoxError> {
    let (examples, ids) = load(&training.train)?;
    let folds = folds.max(2);
    let started = std::time::Instant::now();
    // The sets of corrections scored: all, none, and (on request) all but one.
    let mut variants: Vec<(String, Corrections)> = vec![
        ("all corrections".into(), Corrections::ALL),
        ("no corrections".into(), Corrections::NONE),
    ];
    if each_correction {
        for (name, c) in Corrections::NAMED {
            variants.push((format!("without {name}"), Corrections::ALL.without(c)));
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()?;
    let per_fold: Vec<(Vec<Score>, Vec<String>)> = pool.install(|| {
        (0..folds)
            .into_par_iter()
            .map(|fold| {
                let train_on: Vec<Example> = examples
                    .iter()
                    .enumerate()
                    .filter(|(d, _)| d % folds != fold)
                    .map(|(_, e)| Example {
                        text: e.text.clone(),
                        names: e.names.clone(),
                    })
                    .collect();
                let (bytes, _) = train(&train_on, training.settings());
                let models =
                    tagger::Models::from_bytes(&bytes).expect("a model just written reads back");
                let mut scores = vec![Score::default(); variants.len() + decodings.len()];
                let mut lines = Vec::new();
                for (example, id) in examples.iter().zip(&ids).skip(fold).step_by(folds) {
                    let doc = Document::new(&example.text);
                    let tagged = tagger::tag_document_decoded(&doc, &models, tagger::DECODING);
                    for (score, (_, corrections)) in scores.iter_mut().zip(&variants) {
                        score.add(&example.names, &predicted(&doc, &tagged, *corrections));
                    }
                    if predictions.is_some() {
                        let names = predicted(&doc, &tagged, Corrections::ALL);
                        lines.push(names_line(id, &example.text, &names).to_string());
                    }
                    for (b, &decoding) in decodings.iter().enumerate() {
                        let tagged = tagger::tag_document_decoded(&doc, &models, decoding);
                        scores[variants.len() + b]
                            .add(&example.names, &predicted(&doc, &tagged, Corrections::ALL));
                    }
                }
                eprintln!(
                    "fold {fold}: {} ({:.0} s)",
                    scores[0].summary(),
                    started.elapsed().as_secs_f64()
                );
                for (b, decoding) in decodings.iter().enumerate() {
                    let score = &scores[variants.len() + b];
                    eprintln!("fold {fold}, {decoding:?}: {}", score.summary());
                }
                (scores, lines)
            })
            .collect()
    });
    if let Some(path) = predictions {
        let lines: Vec<&str> = per_fold
            .iter()
            .flat_map(|(_, lines)| lines.iter().map(String::as_str))
            .collect();
        std::fs::write(path, lines.join("\n") + "\n")
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    for decoding in decodings {
        let name = match decoding {
            Decoding::Greedy { name_bias } => format!("greedy, names lowered by {name_bias}"),
            Decoding::Beam {
                width,
                temperature,
                name_bias,
            } => {
                let ranked =
                    temperature.map_or("raw sums".to_owned(), |t| format!("temperature {t}"));
                format!("beam {width}, {ranked}, names lowered by {name_bias}")
            }
        };
        variants.push((format!("{name}, all corrections"), Corrections::ALL));
    }
    let mut totals = vec![Score::default(); variants.len()];
    for (scores, _) in &per_fold {
        for (total, score) in totals.iter_mut().zip(scores) {
            total.merge(score);
        }
    }
    println!(
        "{folds}-fold cross-validation, {} documents, epochs {}, margin {}, {:.0} s",
        examples.len(),
        training.epochs,
        training.margin,
        started.elapsed().as_secs_f64()
    );
    let all = totals[0].typed_f1();
    for ((name, _), score) in variants.iter().zip(&totals) {
        println!(
            "{name:<32} {} ({:+.2})",
            score.summary(),
            100.0 * (score.typed_f1() - all)
        );
    }
    println!("errors with all corrections ({}):", LABELS.join(", "));
    print!("{}", totals[0].confusion());
    Ok(())
}
