//! The documents of `docsift analyze`, read one at a time: a whole file each, or a JSON Lines
//! file's lines (`{"id", "text", "language_hint"}`). What cannot be read becomes an error item in
//! its place, and reading goes on.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// A document to analyse.
#[derive(Debug)]
pub struct Input {
    pub id: String,
    pub text: String,
    pub language_hint: Option<String>,
}

/// Where an item was read: a file, and the line for JSON Lines.
#[derive(Debug, Clone)]
pub struct Source {
    pub file: String,
    pub line: Option<usize>,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file),
            None => f.write_str(&self.file),
        }
    }
}

/// Why an item is no document.
#[derive(Debug)]
pub struct InputError {
    /// The document's id, when the line had one.
    pub id: Option<String>,
    pub message: String,
}

/// One item of the inputs: a document, or why there is none, and where it was read.
#[derive(Debug)]
pub struct Item {
    pub source: Source,
    pub document: Result<Input, InputError>,
}

/// Reads `files` in order (`-` is standard input; none means standard input) and hands each item
/// to `each`, stopping early when `each` returns false.
pub fn read(files: &[PathBuf], jsonl: bool, mut each: impl FnMut(Item) -> bool) {
    let stdin = [PathBuf::from("-")];
    let files = if files.is_empty() { &stdin[..] } else { files };
    for path in files {
        let name = path.display().to_string();
        let reader: Box<dyn Read> = if path == Path::new("-") {
            Box::new(std::io::stdin().lock())
        } else {
            match std::fs::File::open(path) {
                Ok(file) => Box::new(file),
                Err(error) => {
                    let source = Source {
                        file: name,
                        line: None,
                    };
                    if !each(failed(source, None, error.to_string())) {
                        return;
                    }
                    continue;
                }
            }
        };
        let go_on = if jsonl {
            read_lines(&name, reader, &mut each)
        } else {
            each(read_whole(path, &name, reader))
        };
        if !go_on {
            return;
        }
    }
}

fn failed(source: Source, id: Option<String>, message: String) -> Item {
    Item {
        source,
        document: Err(InputError { id, message }),
    }
}

/// A whole file as one document, its id the file's name.
fn read_whole(path: &Path, name: &str, mut reader: Box<dyn Read>) -> Item {
    let source = Source {
        file: name.to_owned(),
        line: None,
    };
    let mut bytes = Vec::new();
    if let Err(error) = reader.read_to_end(&mut bytes) {
        return failed(source, None, error.to_string());
    }
    let id = path
        .file_name()
        .map_or_else(|| "-".to_owned(), |n| n.to_string_lossy().into_owned());
    match String::from_utf8(bytes) {
        Ok(text) => Item {
            source,
            document: Ok(Input {
                id,
                text,
                language_hint: None,
            }),
        },
        Err(error) => failed(
            source,
            Some(id),
            format!("not UTF-8 text ({})", error.utf8_error()),
        ),
    }
}

/// Each non-blank line of a JSON Lines file as a document; returns false when `each` stopped.
fn read_lines(name: &str, reader: Box<dyn Read>, each: &mut impl FnMut(Item) -> bool) -> bool {
    let mut reader = BufReader::new(reader);
    let mut bytes = Vec::new();
    for number in 1.. {
        bytes.clear();
        let source = Source {
            file: name.to_owned(),
            line: Some(number),
        };
        match reader.read_until(b'\n', &mut bytes) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(error) => return each(failed(source, None, error.to_string())),
        }
        let item = match std::str::from_utf8(&bytes) {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => parse_line(source, line),
            Err(error) => failed(source, None, format!("not UTF-8 text ({error})")),
        };
        if !each(item) {
            return false;
        }
    }
    true
}

fn parse_line(source: Source, line: &str) -> Item {
    let value: serde_json::Value = match serde_json::from_str(line) {
        Ok(value) => value,
        Err(error) => return failed(source, None, format!("not a JSON object: {error}")),
    };
    let id = match &value["id"] {
        serde_json::Value::String(id) => Some(id.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    };
    let Some(text) = value["text"].as_str() else {
        return failed(source, id, "no \"text\" string".to_owned());
    };
    Item {
        document: Ok(Input {
            id: id.unwrap_or_else(|| source.to_string()),
            text: text.to_owned(),
            language_hint: value["language_hint"].as_str().map(str::to_owned),
        }),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items_of(content: &str) -> Vec<Item> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("docs.jsonl");
        std::fs::write(&path, content).expect("writes");
        let mut items = Vec::new();
        read(&[path], true, |item| {
            items.push(item);
            true
        });
        items
    }

    #[test]
    fn a_bad_line_is_an_error_item_in_its_place_and_reading_goes_on() {
        let items = items_of(
            "{\"id\": \"a\", \"text\": \"Hello.\"}\nnot json\n\n{\"id\": 7}\n{\"text\": \"Bye.\"}\n",
        );
        assert_eq!(items.len(), 4);
        assert_eq!(items[0].document.as_ref().expect("a document").id, "a");
        let bad = items[1].document.as_ref().expect_err("an error");
        assert_eq!(items[1].source.line, Some(2));
        assert!(bad.message.contains("not a JSON object"), "{}", bad.message);
        let no_text = items[2].document.as_ref().expect_err("an error");
        assert_eq!(items[2].source.line, Some(4));
        assert_eq!(no_text.id.as_deref(), Some("7"));
        let last = items[3].document.as_ref().expect("a document");
        assert!(last.id.ends_with("docs.jsonl:5"), "{}", last.id);
        assert_eq!(last.text, "Bye.");
    }

    #[test]
    fn a_missing_file_is_an_error_item_and_the_next_file_is_read() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let good = dir.path().join("good.txt");
        std::fs::write(&good, "Some text.").expect("writes");
        let latin1 = dir.path().join("latin1.txt");
        std::fs::write(&latin1, b"caf\xe9").expect("writes");
        let mut items = Vec::new();
        read(
            &[dir.path().join("missing.txt"), latin1, good],
            false,
            |item| {
                items.push(item);
                true
            },
        );
        assert_eq!(items.len(), 3);
        assert!(items[0].source.file.ends_with("missing.txt"));
        assert!(items[0].document.is_err());
        let not_utf8 = items[1].document.as_ref().expect_err("an error");
        assert!(not_utf8.message.contains("UTF-8"), "{}", not_utf8.message);
        assert_eq!(items[2].document.as_ref().expect("read").id, "good.txt");
    }
}
