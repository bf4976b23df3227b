//! `docsift analyze` over many documents: read one at a time, analysed on every core, written in
//! input order as soon as each is ready, with a progress bar on a terminal and a summary at the
//! end. A document that cannot be read or analysed gets an error record in its place; the run
//! goes on, and the caller turns the error count into the exit code.

pub mod inputs;
pub mod output;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::analysis::text::OffsetUnit;
use crate::analysis::{self, Features, Options};
use inputs::{InputError, Item};
pub use output::Format;

/// What to analyse and how to write it.
#[derive(Debug, Clone)]
pub struct AnalyzeFiles {
    /// Files; `-` or none is standard input.
    pub files: Vec<PathBuf>,
    /// Whether the files are JSON Lines, a document a line.
    pub jsonl: bool,
    pub format: Format,
    /// Offsets of the JSON formats (the HTML and text formats use bytes, as they show the text).
    pub unit: OffsetUnit,
    pub features: Features,
    /// A language hint for documents that bring none.
    pub language_hint: Option<String>,
    /// Analysis threads; 0 means one per core.
    pub jobs: usize,
    /// Whether to draw a progress bar on standard error (only ever drawn on a terminal).
    pub progress: bool,
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub documents: usize,
    pub errors: usize,
    pub words: u64,
    pub elapsed: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let seconds = self.elapsed.as_secs_f64();
        write!(
            f,
            "{} document{}, {} errors, {} words in {seconds:.2} s ({:.0} words/s)",
            self.documents,
            if self.documents == 1 { "" } else { "s" },
            self.errors,
            self.words,
            self.words as f64 / seconds.max(1e-9)
        )
    }
}

/// One item's output, made on a worker.
struct Written {
    output: String,
    words: u64,
    /// Why the item has an error record, for standard error too.
    error: Option<String>,
}

/// Analyses every input and writes the results to `out` in input order.
pub fn analyze_files(config: &AnalyzeFiles, out: impl Write) -> std::io::Result<Summary> {
    let started = Instant::now();
    let jobs = if config.jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        config.jobs
    };
    let progress = progress_bar(config);
    let mut out = std::io::BufWriter::new(out);
    out.write_all(config.format.header().as_bytes())?;

    let (job_sender, job_receiver) = mpsc::sync_channel::<(usize, Item)>(jobs * 4);
    let job_receiver = Mutex::new(job_receiver);
    let (done_sender, done_receiver) = mpsc::channel::<(usize, Written)>();
    let mut summary = Summary::default();
    std::thread::scope(|scope| -> std::io::Result<()> {
        scope.spawn(move || {
            let mut index = 0;
            inputs::read(&config.files, config.jsonl, |item| {
                let sent = job_sender.send((index, item)).is_ok();
                index += 1;
                sent
            });
        });
        for _ in 0..jobs {
            let done_sender = done_sender.clone();
            let job_receiver = &job_receiver;
            scope.spawn(move || {
                loop {
                    let job = job_receiver
                        .lock()
                        .expect("no worker panics holding the queue")
                        .recv();
                    let Ok((index, item)) = job else { return };
                    if done_sender
                        .send((index, process(config, index, item)))
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
        drop(done_sender);

        // Results arrive in any order; each is written once those before it are.
        let mut waiting = BTreeMap::new();
        for (index, written) in done_receiver {
            waiting.insert(index, written);
            while let Some(written) = waiting.remove(&summary.documents) {
                out.write_all(config.format.separator(summary.documents).as_bytes())?;
                out.write_all(written.output.as_bytes())?;
                summary.documents += 1;
                summary.words += written.words;
                if let Some(error) = written.error {
                    summary.errors += 1;
                    progress.suspend(|| eprintln!("docsift: {error}"));
                }
                progress.inc(1);
            }
            out.flush()?;
        }
        Ok(())
    })?;
    out.write_all(config.format.footer(summary.documents).as_bytes())?;
    out.flush()?;
    progress.finish_and_clear();
    summary.elapsed = started.elapsed();
    Ok(summary)
}

fn progress_bar(config: &AnalyzeFiles) -> ProgressBar {
    if !config.progress || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let files_known = !config.jsonl && !config.files.is_empty();
    let bar = if files_known {
        ProgressBar::with_draw_target(
            Some(config.files.len() as u64),
            ProgressDrawTarget::stderr(),
        )
        .with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} documents, {per_sec}, {eta} left")
                .expect("a valid template"),
        )
    } else {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{spinner} {pos} documents, {per_sec}")
                .expect("a valid template"),
        )
    };
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Analyses one item and renders it (or its error) in the output format. A panic in the
/// analysis of one document becomes that document's error.
fn process(config: &AnalyzeFiles, index: usize, item: Item) -> Written {
    let fail = |error: InputError| Written {
        output: config.format.error(&item.source, &error),
        words: 0,
        error: Some(format!(
            "{}: {}",
            output::described(&item.source, &error),
            error.message
        )),
    };
    let input = match &item.document {
        Ok(input) => input,
        Err(error) => {
            return fail(InputError {
                id: error.id.clone(),
                message: error.message.clone(),
            });
        }
    };
    let options = Options {
        features: config.features,
        language_hint: input
            .language_hint
            .clone()
            .or_else(|| config.language_hint.clone()),
    };
    let unit = if config.format.shows_text() {
        OffsetUnit::Utf8
    } else {
        config.unit
    };
    let analysed = catch_unwind(AssertUnwindSafe(|| {
        analysis::analyze(&input.text, &options)
    }));
    let message = match analysed {
        Ok(Ok(result)) => {
            let mut response = crate::proto::analysis_to_proto(&input.text, &result, unit);
            response.id = input.id.clone();
            match config.format.document(index, &input.text, &response) {
                Ok(output) => {
                    return Written {
                        output,
                        words: u64::from(result.stats.words),
                        error: None,
                    };
                }
                Err(error) => error.to_string(),
            }
        }
        Ok(Err(error)) => error.to_string(),
        Err(_) => "internal error: the analysis of this document panicked".to_owned(),
    };
    fail(InputError {
        id: Some(input.id.clone()),
        message,
    })
}
