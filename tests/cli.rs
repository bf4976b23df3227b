//! The `docsift analyze` command on the seed articles: one canonical-JSON line per document, in
//! input order, with the document's id.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::SEEDS;

fn fixtures() -> Vec<String> {
    SEEDS
        .iter()
        .map(|s| format!("{}/tests/fixtures/{s}", env!("CARGO_MANIFEST_DIR")))
        .collect()
}

#[test]
fn analyze_prints_one_json_line_per_file_in_order() {
    let output = Command::new(env!("CARGO_BIN_EXE_docsift"))
        .arg("analyze")
        .args(fixtures())
        .output()
        .expect("docsift runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 3);
    for (line, seed) in lines.iter().zip(SEEDS) {
        assert_eq!(line["id"], seed);
        assert_eq!(line["language"]["code"], "eng");
        assert!(
            line["entities"][0]["mentions"][0]["span"]["end"]
                .as_u64()
                .is_some()
        );
        assert!(line["engineVersion"].as_str().is_some());
    }
}

#[test]
fn analyze_jsonl_with_code_point_offsets() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_docsift"))
        .args(["analyze", "--jsonl", "--offsets", "code-point", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("docsift runs");
    let text = "“Ça va très bien,” said Émile Zola in Paris.";
    let input = format!(
        "{}\n{}\n",
        serde_json::json!({"id": "one", "text": text}),
        serde_json::json!({"id": "two", "text": "Der Hund läuft schnell über die Straße."})
    );
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(input.as_bytes())
        .expect("writes");
    let output = child.wait_with_output().expect("finishes");
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(lines[0]["id"], "one");
    assert_eq!(lines[1]["language"]["code"], "deu");
    assert_eq!(lines[0]["offsetUnit"], "CODE_POINT");
    let chars: Vec<char> = text.chars().collect();
    for quote in lines[0]["quotes"].as_array().expect("quotes") {
        let begin = quote["span"]["begin"].as_u64().unwrap_or(0) as usize;
        let end = quote["span"]["end"].as_u64().expect("end") as usize;
        assert_eq!(
            chars[begin..end].iter().collect::<String>(),
            quote["text"].as_str().expect("text")
        );
    }
}

#[test]
fn analyze_reports_a_bad_document_and_fails() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_docsift"))
        .args(["analyze", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("docsift runs");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(b"{\"id\": \"ok\", \"text\": \"Fine.\"}\n{\"id\": \"empty\", \"text\": \"\"}\n")
        .expect("writes");
    let output = child.wait_with_output().expect("finishes");
    assert!(!output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 1);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("empty: the document's text is empty")
    );
}
