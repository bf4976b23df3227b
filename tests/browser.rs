//! The HTML rendering and the demo page, checked in a real browser: headless Chromium, driven
//! over the DevTools protocol. Every entity mention and quote of the JSON answer must be marked
//! in the DOM, every speaker link must lead somewhere, and the demo page (gRPC-Web from the
//! browser) must draw the same marks as `docsift analyze --format html`.
//!
//! These need Chromium, so they are ignored by a plain `cargo test`; `scripts/test` installs
//! Debian's `chromium` when it is missing and runs them. `DOCSIFT_CHROMIUM` names another
//! browser binary, `DOCSIFT_BIN` another docsift (the release build, to read the demo page's
//! answer times, which the demo test prints and never checks).

mod common;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

use common::SEEDS;

fn seed_path(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The docsift binary under test.
fn docsift() -> Command {
    Command::new(
        std::env::var("DOCSIFT_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_docsift").into()),
    )
}

/// `docsift analyze` with `args`; its standard output.
fn docsift_analyze(args: &[&str]) -> String {
    let output = docsift()
        .arg("analyze")
        .arg("--quiet")
        .args(args)
        .output()
        .expect("docsift runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// A headless Chromium with a fresh profile, and a DevTools session on one page.
struct Browser {
    process: Child,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    session: String,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start() -> Self {
        let binary = std::env::var("DOCSIFT_CHROMIUM").unwrap_or_else(|_| "chromium".into());
        let profile = tempfile::tempdir().expect("a profile directory");
        let process = Command::new(&binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary} ({e}); scripts/test installs it"));
        // Chromium writes its DevTools port and path to this file once it listens.
        let port_file = profile.path().join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(30);
        let endpoint = loop {
            if let Ok(content) = std::fs::read_to_string(&port_file)
                && let [port, path] = content.lines().collect::<Vec<_>>()[..]
            {
                break format!("ws://127.0.0.1:{port}{path}");
            }
            assert!(Instant::now() < deadline, "Chromium did not start");
            std::thread::sleep(Duration::from_millis(100));
        };
        let (socket, _) = tungstenite::connect(endpoint).expect("DevTools connects");
        let mut browser = Browser {
            process,
            socket,
            session: String::new(),
            next_id: 0,
            _profile: profile,
        };
        let target = browser.call("Target.createTarget", json!({"url": "about:blank"}));
        let attached = browser.call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        browser.session = attached["sessionId"]
            .as_str()
            .expect("a session")
            .to_owned();
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1280, "height": 1500, "deviceScaleFactor": 1, "mobile": false}),
        );
        browser
    }

    /// Sends a DevTools command (on the page's session once there is one) and waits for its
    /// result; events in between are skipped.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let mut command = json!({"id": self.next_id, "method": method, "params": params});
        if !self.session.is_empty() {
            command["sessionId"] = json!(self.session);
        }
        self.socket
            .send(Message::text(command.to_string()))
            .expect("DevTools accepts a command");
        loop {
            let message = self.socket.read().expect("DevTools answers");
            let Ok(text) = message.to_text() else {
                continue;
            };
            let answer: Value = serde_json::from_str(text).expect("DevTools speaks JSON");
            if answer["id"] == json!(self.next_id) {
                assert!(answer["error"].is_null(), "{method}: {answer}");
                return answer["result"].clone();
            }
        }
    }

    /// The value of a JavaScript expression (awaited when it is a promise).
    fn evaluate(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(
            result["exceptionDetails"].is_null(),
            "{expression}: {}",
            result["exceptionDetails"]
        );
        result["result"]["value"].clone()
    }

    /// Waits until `condition` (JavaScript) is true.
    fn wait_for(&mut self, condition: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.evaluate(condition) != json!(true) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {condition}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn open(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for(&format!(
            "document.readyState === 'complete' && location.href === {}",
            json!(url)
        ));
    }

    fn screenshot(&mut self, path: &Path) {
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("image data"))
            .expect("base64");
        std::fs::write(path, png).expect("the screenshot is written");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// What the DOM of a drawn analysis shows: its marks, and the links that lead nowhere.
const DOM_SUMMARY: &str = r##"(() => {
  const article = document.querySelector('article.analysis');
  const text = article.querySelector('section.text');
  const links = [...article.querySelectorAll('a[href^="#"]')];
  return {
    mentions: [...text.querySelectorAll('mark.entity')].map(m => [m.id, m.textContent]),
    quotes: [...text.querySelectorAll('.quote')].map(q => [q.id, q.textContent]),
    speakerLinks: [...text.querySelectorAll('a.speaker-link')].map(a => a.textContent),
    broken: links.filter(a => !document.getElementById(a.getAttribute('href').slice(1)))
                 .map(a => a.getAttribute('href')),
    entitiesListed: article.querySelectorAll('section.entities li').length,
    scripts: document.scripts.length,
    textHtml: text.innerHTML,
  };
})()"##;

/// Checks the DOM summary against the JSON answer for the same text.
fn assert_shows_every_mark(dom: &Value, answer: &Value) {
    let entities = answer["entities"].as_array().expect("entities");
    let quotes = answer["quotes"].as_array().expect("quotes");
    let mentions: usize = entities
        .iter()
        .map(|e| e["mentions"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(dom["mentions"].as_array().expect("marks").len(), mentions);
    for mark in dom["mentions"].as_array().expect("marks") {
        let id = mark[0].as_str().expect("an id");
        let (e, m) = id
            .strip_prefix("d0-e")
            .and_then(|rest| rest.split_once("-m"))
            .expect("an id d0-eN-mM");
        let e: usize = e.parse().expect("an entity index");
        let m: usize = m.parse().expect("a mention index");
        assert_eq!(mark[1], entities[e]["mentions"][m]["text"], "{id}");
    }
    assert_eq!(
        dom["quotes"].as_array().expect("quotes").len(),
        quotes.len()
    );
    for (mark, quote) in dom["quotes"].as_array().expect("quotes").iter().zip(quotes) {
        // The quote's own text, then its speaker link's (a link follows the quote, outside it).
        assert_eq!(mark[1], quote["text"]);
    }
    let speakers: Vec<&Value> = quotes.iter().map(|q| &q["speaker"]["name"]).collect();
    let linked = dom["speakerLinks"].as_array().expect("links");
    assert_eq!(
        linked.len(),
        speakers.iter().filter(|s| !s.is_null()).count()
    );
    assert_eq!(dom["broken"], json!([]), "every link leads to an element");
    assert_eq!(dom["entitiesListed"].as_u64(), Some(entities.len() as u64));
}

fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).expect("a directory for screenshots");
    dir
}

#[test]
#[ignore = "needs Chromium; scripts/test installs it and runs this"]
fn the_html_rendering_shows_every_mention_and_quote() {
    let dir = tempfile::tempdir().expect("a directory");
    let mut browser = Browser::start();
    for seed in SEEDS {
        let answer: Value =
            serde_json::from_str(&docsift_analyze(&[&seed_path(seed)])).expect("JSON");
        let page = dir.path().join(format!("{seed}.html"));
        std::fs::write(
            &page,
            docsift_analyze(&["--format", "html", &seed_path(seed)]),
        )
        .expect("the page is written");
        browser.open(&format!("file://{}", page.display()));
        let dom = browser.evaluate(DOM_SUMMARY);
        assert_shows_every_mark(&dom, &answer);
        assert!(!answer["quotes"].as_array().expect("quotes").is_empty());
        assert_eq!(dom["scripts"], 0, "the page runs no script");
        if seed == SEEDS[0] {
            browser.screenshot(&screenshot_dir().join("seed-article.png"));
        }
    }
}

#[test]
#[ignore = "needs Chromium; scripts/test installs it and runs this"]
fn a_document_with_markup_renders_as_text_in_the_browser() {
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("markup.txt");
    std::fs::write(
        &path,
        "<script>document.title = 'pwned'</script><b>Bold</b> “We remain friends,” Phay Siphan \
         said in Phnom Penh.",
    )
    .expect("written");
    let page = dir.path().join("markup.html");
    std::fs::write(
        &page,
        docsift_analyze(&["--format", "html", &path.display().to_string()]),
    )
    .expect("written");
    let mut browser = Browser::start();
    browser.open(&format!("file://{}", page.display()));
    let shown = browser.evaluate(
        "[document.title, document.scripts.length, document.querySelectorAll('article b').length, \
          document.querySelector('section.text').textContent]",
    );
    assert_eq!(shown[0], "docsift analysis");
    assert_eq!(shown[1], 0);
    assert_eq!(shown[2], 0);
    assert!(
        shown[3]
            .as_str()
            .expect("text")
            .starts_with("<script>document.title = 'pwned'</script><b>Bold</b>"),
        "{shown}"
    );
}

/// A `docsift serve` with the demo page; killed when dropped.
struct DemoServer {
    process: Child,
    page: String,
}

impl DemoServer {
    fn start() -> Self {
        let free = |_| {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            listener.local_addr().expect("bound")
        };
        let (grpc, http) = (free(0), free(1));
        let process = docsift()
            .args(["serve", "--listen", &grpc.to_string()])
            .args(["--http-listen", &http.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docsift serves");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(http).is_err() {
            assert!(Instant::now() < deadline, "the demo page did not come up");
            std::thread::sleep(Duration::from_millis(50));
        }
        DemoServer {
            process,
            page: format!("http://{http}/"),
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

#[test]
#[ignore = "needs Chromium; scripts/test installs it and runs this"]
fn the_demo_page_draws_what_the_html_rendering_draws() {
    let server = DemoServer::start();
    let mut browser = Browser::start();
    let dir = tempfile::tempdir().expect("a directory");
    for seed in SEEDS {
        let text = std::fs::read_to_string(seed_path(seed)).expect("a seed");
        let answer: Value =
            serde_json::from_str(&docsift_analyze(&[&seed_path(seed)])).expect("JSON");

        browser.open(&server.page);
        browser.evaluate(&format!(
            "document.getElementById('article').value = {}; \
             document.getElementById('analyze-button').click(); true",
            json!(text)
        ));
        browser.wait_for(
            "window.docsiftTiming !== undefined || \
             document.getElementById('status').dataset.error === 'true'",
        );
        let status = browser.evaluate("document.getElementById('status').textContent");
        assert_ne!(
            browser.evaluate("document.getElementById('status').dataset.error === 'true'"),
            json!(true),
            "{status}"
        );
        let demo = browser.evaluate(DOM_SUMMARY);
        assert_shows_every_mark(&demo, &answer);
        eprintln!("{seed}: {status}");
        // Twice more, for the time of an answer from the cache.
        for _ in 0..2 {
            browser.evaluate(
                "window.docsiftTiming = undefined; \
                 document.getElementById('analyze-button').click(); true",
            );
            browser.wait_for("window.docsiftTiming !== undefined");
            let status = browser.evaluate("document.getElementById('status').textContent");
            eprintln!("{seed}: {status}");
        }

        // The same text, drawn by `docsift analyze --format html`, reads the same in the DOM.
        let page = dir.path().join(format!("{seed}.html"));
        std::fs::write(
            &page,
            docsift_analyze(&["--format", "html", &seed_path(seed)]),
        )
        .expect("written");
        browser.open(&format!("file://{}", page.display()));
        let rendered = browser.evaluate(DOM_SUMMARY);
        assert_eq!(demo["textHtml"], rendered["textHtml"]);
    }
}

#[test]
#[ignore = "needs Chromium; scripts/test installs it and runs this"]
fn the_demo_page_shows_an_error_for_an_empty_document() {
    let server = DemoServer::start();
    let mut browser = Browser::start();
    browser.open(&server.page);
    // A blank article passes the form's `required` check but not the service's.
    browser.evaluate(
        "document.getElementById('article').value = '   '; \
         document.getElementById('analyze-form').requestSubmit(); true",
    );
    browser.wait_for("document.getElementById('status').dataset.error === 'true'");
    let status = browser.evaluate("document.getElementById('status').textContent");
    assert!(
        status.as_str().expect("text").contains("document.text"),
        "{status}"
    );
}
