//! The `docsift analyze` command on the seed articles: one canonical-JSON line per document, in
//! input order, with the document's id.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{SEEDS, fixture};

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
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "ok");
    assert_eq!(lines[1]["error"]["id"], "empty");
    assert_eq!(lines[1]["error"]["line"], 2);
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("-:2 (id empty): the document's text is empty")
    );
}

/// `docsift analyze ARGS` with `stdin` as its input: (exit success, stdout, stderr).
fn analyze_with(args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_docsift"))
        .arg("analyze")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("docsift runs");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(stdin.as_bytes())
        .expect("writes");
    let output = child.wait_with_output().expect("finishes");
    (
        output.status.success(),
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

#[test]
fn a_malformed_line_gets_an_error_record_and_the_run_goes_on() {
    let input = "{\"id\": \"first\", \"text\": \"Angela Merkel spoke in Berlin.\"}\nnot json\n\
                 {\"id\": \"third\", \"text\": \"“We remain friends,” Phay Siphan said.\"}\n";
    let (success, stdout, stderr) = analyze_with(&["--jsonl"], input);
    assert!(!success, "one bad line makes the exit code non-zero");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert_eq!(lines[0]["id"], "first");
    assert_eq!(lines[1]["error"]["file"], "-");
    assert_eq!(lines[1]["error"]["line"], 2);
    assert!(
        lines[1]["error"]["message"]
            .as_str()
            .expect("a message")
            .contains("not a JSON object")
    );
    assert_eq!(lines[2]["id"], "third");
    assert_eq!(lines[2]["quotes"][0]["speaker"]["name"], "Phay Siphan");
    assert!(stderr.contains("3 documents, 1 errors"), "{stderr}");
}

#[test]
fn many_files_come_out_in_input_order_whatever_the_threads() {
    let dir = tempfile::tempdir().expect("a directory");
    let mut files = Vec::new();
    for i in 0..40 {
        let path = dir.path().join(format!("doc{i:02}.txt"));
        let text = match i % 3 {
            0 => fixture(SEEDS[i % 3]),
            1 => format!("Document {i}: Angela Merkel met Emmanuel Macron in Paris."),
            _ => "“We remain friends,” Phay Siphan said in Phnom Penh.".repeat(i),
        };
        std::fs::write(&path, text).expect("written");
        files.push(path.display().to_string());
    }
    let missing = dir.path().join("missing.txt").display().to_string();
    files.insert(7, missing.clone());
    let run = |jobs: &str| {
        let mut args = vec!["--jobs", jobs];
        args.extend(files.iter().map(String::as_str));
        analyze_with(&args, "")
    };
    let (success, one_thread, _) = run("1");
    assert!(!success, "the missing file fails the run");
    let (_, four_threads, stderr) = run("4");
    assert_eq!(one_thread, four_threads);
    let ids: Vec<String> = four_threads
        .lines()
        .map(|l| {
            let value: serde_json::Value = serde_json::from_str(l).expect("JSON");
            value["id"]
                .as_str()
                .or(value["error"]["file"].as_str())
                .expect("an id or a file")
                .to_owned()
        })
        .collect();
    let expected: Vec<String> = files
        .iter()
        .map(|f| {
            if *f == missing {
                missing.clone()
            } else {
                f.rsplit('/').next().expect("a name").to_owned()
            }
        })
        .collect();
    assert_eq!(ids, expected);
    assert!(stderr.contains("missing.txt"), "{stderr}");
}

#[test]
fn html_json_and_text_formats() {
    let seed = fixtures().remove(0);
    let (success, html, _) = analyze_with(&["--format", "html", &seed, "nowhere.txt"], "");
    assert!(!success);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    assert_eq!(html.matches("<article class=\"analysis\"").count(), 1);
    assert!(html.contains("<mark class=\"entity person\""));
    assert!(html.contains("class=\"speaker-link\""));
    assert!(html.contains("class=\"analysis error-record\""));
    assert!(html.contains("nowhere.txt"));
    assert!(!html.contains("<script"), "self-contained and script-free");

    let (success, json, _) = analyze_with(&["--format", "json", "--offsets", "utf16", &seed], "");
    assert!(success);
    let array: serde_json::Value = serde_json::from_str(&json).expect("one JSON array");
    assert_eq!(array.as_array().expect("an array").len(), 1);
    assert_eq!(array[0]["offsetUnit"], "UTF16");

    let (success, text, _) = analyze_with(&["--format", "text", &seed], "");
    assert!(success);
    assert!(text.contains("Language: English (eng, en)"), "{text}");
    assert!(
        text.contains("Phay Siphan, said: “We remain friends"),
        "{text}"
    );
}
