//! grpcurl, with no .proto files, against a real server: reflection (grpcurl 1.8 speaks only
//! v1alpha), describe, and a call with JSON input. `scripts/test` installs grpcurl; in CI a
//! missing grpcurl fails the test instead of skipping it.

mod common;

use std::process::Command;

use common::{SEEDS, TestServer, fixture, settings};

fn grpcurl() -> Option<Command> {
    match Command::new("grpcurl").arg("-version").output() {
        Ok(_) => Some(Command::new("grpcurl")),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("grpcurl is not installed: scripts/test installs it")
        }
        Err(_) => {
            eprintln!("grpcurl is not installed; run scripts/test to install it");
            None
        }
    }
}

fn run(command: &mut Command) -> String {
    let output = command.output().expect("grpcurl runs");
    assert!(
        output.status.success(),
        "grpcurl failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

#[tokio::test(flavor = "multi_thread")]
async fn grpcurl_lists_describes_and_analyses_by_reflection() {
    let Some(_) = grpcurl() else { return };
    let server = TestServer::start(settings()).await;
    let addr = server.addr.clone();

    let listed = tokio::task::spawn_blocking({
        let addr = addr.clone();
        move || {
            run(grpcurl()
                .expect("checked")
                .args(["-plaintext", &addr, "list"]))
        }
    })
    .await
    .expect("task");
    assert!(
        listed.lines().any(|l| l == "docsift.v1.Analyzer"),
        "{listed}"
    );
    assert!(
        listed.lines().any(|l| l == "grpc.health.v1.Health"),
        "{listed}"
    );

    let described = tokio::task::spawn_blocking({
        let addr = addr.clone();
        move || {
            run(grpcurl().expect("checked").args([
                "-plaintext",
                &addr,
                "describe",
                "docsift.v1.Analyzer",
            ]))
        }
    })
    .await
    .expect("task");
    for rpc in [
        "Analyze",
        "AnalyzeBatch",
        "AnalyzeBatchStream",
        "AnalyzeStream",
        "GetInfo",
    ] {
        assert!(described.contains(&format!("rpc {rpc} (")), "{described}");
    }

    let body = serde_json::json!({
        "document": {"id": SEEDS[0], "text": fixture(SEEDS[0])},
        "offsetUnit": "CODE_POINT",
    })
    .to_string();
    let answer = tokio::task::spawn_blocking(move || {
        run(grpcurl().expect("checked").args([
            "-plaintext",
            "-d",
            &body,
            &addr,
            "docsift.v1.Analyzer/Analyze",
        ]))
    })
    .await
    .expect("task");
    let response: serde_json::Value = serde_json::from_str(&answer).expect("JSON answer");
    assert_eq!(response["id"], SEEDS[0]);
    assert_eq!(response["language"]["code"], "eng");
    assert_eq!(response["offsetUnit"], "CODE_POINT");
    assert!(
        response["entities"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
    );
    assert!(response["quotes"].as_array().is_some_and(|q| !q.is_empty()));
    server.stop().await.expect("clean stop");
}
