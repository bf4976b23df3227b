//! The output formats of `docsift analyze`: what goes before the documents, each document or
//! error record, and what closes the output.

use clap::ValueEnum;

use super::inputs::{InputError, Source};
use crate::proto::AnalyzeResponse;
use crate::render;

/// How `docsift analyze` writes its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One canonical protobuf JSON object a line (as grpcurl prints it); errors as
    /// `{"error": {...}}` lines.
    Jsonl,
    /// One JSON array of the same objects, indented.
    Json,
    /// One self-contained HTML page with every document's text marked.
    Html,
    /// A readable summary per document.
    Text,
}

impl Format {
    /// Whether the format shows the text, so its offsets must be UTF-8 bytes whatever was asked.
    pub fn shows_text(self) -> bool {
        matches!(self, Format::Html | Format::Text)
    }

    /// What comes before the first document.
    pub fn header(self) -> String {
        match self {
            Format::Jsonl | Format::Text => String::new(),
            Format::Json => "[".to_owned(),
            Format::Html => render::html::page_start("docsift analysis"),
        }
    }

    /// What closes the output.
    pub fn footer(self, written: usize) -> String {
        match self {
            Format::Jsonl | Format::Text => String::new(),
            Format::Json if written == 0 => "]\n".to_owned(),
            Format::Json => "\n]\n".to_owned(),
            Format::Html => render::html::page_end().to_owned(),
        }
    }

    /// What separates the item at `index` (from 0) from the one before it.
    pub fn separator(self, index: usize) -> &'static str {
        match (self, index) {
            (Format::Json, 0) => "\n",
            (Format::Json, _) => ",\n",
            _ => "",
        }
    }

    /// One analysed document; `index` is its place in the output.
    pub fn document(
        self,
        index: usize,
        text: &str,
        response: &AnalyzeResponse,
    ) -> Result<String, serde_json::Error> {
        Ok(match self {
            Format::Jsonl => serde_json::to_string(response)? + "\n",
            Format::Json => serde_json::to_string_pretty(response)?,
            Format::Html => render::html::analysis(&format!("d{index}"), text, response),
            Format::Text => render::text::analysis(response),
        })
    }

    /// One item that could not be analysed, in its place.
    pub fn error(self, source: &Source, error: &InputError) -> String {
        match self {
            Format::Jsonl | Format::Json => {
                let mut record = serde_json::Map::new();
                record.insert("file".into(), source.file.clone().into());
                if let Some(line) = source.line {
                    record.insert("line".into(), line.into());
                }
                if let Some(id) = &error.id {
                    record.insert("id".into(), id.clone().into());
                }
                record.insert("message".into(), error.message.clone().into());
                let record = serde_json::json!({ "error": record });
                if self == Format::Jsonl {
                    format!("{record}\n")
                } else {
                    serde_json::to_string_pretty(&record).unwrap_or_default()
                }
            }
            Format::Html => render::html::error(&described(source, error), &error.message),
            Format::Text => render::text::error(&described(source, error), &error.message),
        }
    }
}

/// "docs.jsonl:3 (id x)": where an error item was read, and its id when it has one.
pub(super) fn described(source: &Source, error: &InputError) -> String {
    match &error.id {
        Some(id) => format!("{source} (id {id})"),
        None => source.to_string(),
    }
}
