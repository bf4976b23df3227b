//! Bearer tokens from a file, end to end: several tokens at once, a rotation that takes effect
//! without a restart and without a gap, a half-done rotation that locks nobody out, and which
//! services the token guards.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{TestServer, request, settings};
use docsift::auth::AuthScope;
use docsift::proto::analyzer_client::AnalyzerClient;
use tonic::Code;
use tonic::transport::Channel;

/// Writes the token file the way Kubernetes updates a secret: a new file renamed into place.
fn write_tokens(path: &Path, content: &str) {
    let staging = path.with_extension("new");
    std::fs::write(&staging, content).expect("write tokens");
    std::fs::rename(&staging, path).expect("rename into place");
}

async fn call(client: &mut AnalyzerClient<Channel>, token: Option<&str>) -> Result<(), Code> {
    let mut call = tonic::Request::new(request("a", "Hello from Phnom Penh."));
    if let Some(token) = token {
        call.metadata_mut().insert(
            "authorization",
            format!("Bearer {token}").parse().expect("ascii"),
        );
    }
    client.analyze(call).await.map(drop).map_err(|s| s.code())
}

/// Waits (a few reload intervals at most) until `token` gets `expected`.
async fn eventually(client: &mut AnalyzerClient<Channel>, token: &str, expected: Result<(), Code>) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let got = call(client, Some(token)).await;
        if got == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{token}: still {got:?}, expected {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn token_file_rotation_takes_effect_without_a_restart_or_a_gap() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tokens");
    write_tokens(&path, "# the current token\nalpha\n");
    let mut guarded = settings();
    guarded.auth_token_file = Some(path.clone());
    let server = TestServer::start(guarded).await;
    let mut client = server.client().await;

    assert_eq!(call(&mut client, None).await, Err(Code::Unauthenticated));
    assert_eq!(
        call(&mut client, Some("wrong")).await,
        Err(Code::Unauthenticated)
    );
    assert_eq!(call(&mut client, Some("alpha")).await, Ok(()));

    // Rotation, step 1: the new token is added; both are accepted meanwhile.
    write_tokens(&path, "alpha\nbeta\n");
    eventually(&mut client, "beta", Ok(())).await;
    assert_eq!(call(&mut client, Some("alpha")).await, Ok(()));
    // Step 2: the old one is removed.
    write_tokens(&path, "beta\n");
    eventually(&mut client, "alpha", Err(Code::Unauthenticated)).await;
    assert_eq!(call(&mut client, Some("beta")).await, Ok(()));

    // A file that is empty or gone for a while keeps the last good tokens.
    write_tokens(&path, "\n");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(call(&mut client, Some("beta")).await, Ok(()));
    std::fs::remove_file(&path).expect("remove");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(call(&mut client, Some("beta")).await, Ok(()));
    write_tokens(&path, "gamma\n");
    eventually(&mut client, "gamma", Ok(())).await;
    assert_eq!(
        call(&mut client, Some("beta")).await,
        Err(Code::Unauthenticated)
    );
    server.stop().await.expect("clean stop");
}

async fn health_check(server: &TestServer) -> Result<(), Code> {
    let channel = Channel::from_shared(server.url())
        .expect("url")
        .connect()
        .await
        .expect("connects");
    tonic_health::pb::health_client::HealthClient::new(channel)
        .check(tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        })
        .await
        .map(drop)
        .map_err(|s| s.code())
}

#[tokio::test]
async fn health_is_open_unless_the_scope_is_all() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tokens");
    write_tokens(&path, "alpha\n");
    let mut guarded = settings();
    guarded.auth_token_file = Some(path.clone());
    let server = TestServer::start(guarded.clone()).await;
    assert_eq!(health_check(&server).await, Ok(()));
    server.stop().await.expect("clean stop");

    guarded.auth_scope = AuthScope::All;
    let server = TestServer::start(guarded).await;
    assert_eq!(health_check(&server).await, Err(Code::Unauthenticated));
    server.stop().await.expect("clean stop");
}

#[test]
fn an_unreadable_token_file_stops_the_server_at_start_naming_the_flag() {
    use clap::Parser;
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: docsift::config::ServeArgs,
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing");
    let cli = Cli::try_parse_from([
        "docsift",
        "--auth-token-file",
        missing.to_str().expect("UTF-8 path"),
    ])
    .expect("parses");
    let error = cli.args.settings().expect_err("missing file");
    assert!(
        error
            .to_string()
            .starts_with("--auth-token-file: cannot read"),
        "{error}"
    );
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "# no token yet\n").expect("write");
    let cli = Cli::try_parse_from([
        "docsift",
        "--auth-token-file",
        empty.to_str().expect("UTF-8"),
    ])
    .expect("parses");
    assert!(
        cli.args
            .settings()
            .expect_err("empty")
            .to_string()
            .contains("holds no token")
    );
    assert!(
        Cli::try_parse_from(["docsift", "--auth-token", "t", "--auth-token-file", "f"]).is_err(),
        "one source of tokens at a time"
    );
}
