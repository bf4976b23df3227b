//! TLS and mutual TLS end to end, with certificates made in the test (rcgen): a CA, a server
//! certificate for `localhost`, and a client certificate. A real TLS client (tonic over rustls)
//! and the `docsift health` probe talk to a real server.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{TestServer, request, settings};
use docsift::config::Settings;
use docsift::proto::analyzer_client::AnalyzerClient;
use docsift::tls::{ClientTlsArgs, ServerTls};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, ExtendedKeyUsagePurpose, IsCa, KeyPair,
};

/// A CA and the certificates it issued, as PEM files in a temporary directory.
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key"))
            .expect("self-signed CA");
        std::fs::write(dir.path().join("ca.pem"), ca.pem()).expect("write CA");
        for (name, purpose) in [
            ("server", ExtendedKeyUsagePurpose::ServerAuth),
            ("client", ExtendedKeyUsagePurpose::ClientAuth),
        ] {
            let mut params = CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
            params.extended_key_usages = vec![purpose];
            let key = KeyPair::generate().expect("key");
            let cert = params.signed_by(&key, &ca).expect("issued");
            std::fs::write(dir.path().join(format!("{name}.pem")), cert.pem()).expect("write");
            std::fs::write(
                dir.path().join(format!("{name}-key.pem")),
                key.serialize_pem(),
            )
            .expect("write key");
        }
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn server_settings(&self, mutual: bool) -> Settings {
        let mut settings = settings();
        let ca = self.path("ca.pem");
        settings.tls = ServerTls::load(
            Some(&self.path("server.pem")),
            Some(&self.path("server-key.pem")),
            mutual.then_some(ca.as_path()),
        )
        .expect("valid PEM files");
        settings
    }

    fn client(&self, with_certificate: bool) -> ClientTlsArgs {
        ClientTlsArgs {
            ca: Some(self.path("ca.pem")),
            cert: with_certificate.then(|| self.path("client.pem")),
            key: with_certificate.then(|| self.path("client-key.pem")),
            domain: None,
        }
    }
}

/// `localhost:PORT` for the test server's `127.0.0.1:PORT`, the name on its certificate.
fn localhost(server: &TestServer) -> String {
    server.addr.replace("127.0.0.1", "localhost")
}

async fn analyze_over(
    tls: &ClientTlsArgs,
    addr: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let channel = tls.endpoint(addr)?.connect().await?;
    let response = AnalyzerClient::new(channel)
        .analyze(request("tls", "“We remain friends,” Phay Siphan said."))
        .await?;
    Ok(response.into_inner().id)
}

fn health(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_docsift"))
        .arg("health")
        .args(args)
        .output()
        .expect("docsift runs")
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

#[tokio::test]
async fn tls_serves_a_tls_client_and_refuses_plaintext() {
    let pki = Pki::new();
    let server = TestServer::start(pki.server_settings(false)).await;
    let addr = localhost(&server);
    assert_eq!(
        analyze_over(&pki.client(false), &addr)
            .await
            .expect("TLS call"),
        "tls"
    );
    let plaintext = analyze_over(&ClientTlsArgs::default(), &addr).await;
    assert!(plaintext.is_err(), "plaintext to a TLS port must fail");

    let ca = pki.path("ca.pem");
    let probe =
        tokio::task::spawn_blocking(move || health(&["--addr", &addr, "--tls-ca", arg(&ca)]))
            .await
            .expect("probe ran");
    assert!(probe.status.success(), "{probe:?}");
    assert_eq!(String::from_utf8_lossy(&probe.stdout).trim(), "SERVING");
    server.stop().await.expect("clean stop");
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_server_ca_is_refused() {
    let pki = Pki::new();
    let other = Pki::new();
    let server = TestServer::start(pki.server_settings(false)).await;
    let result = analyze_over(&other.client(false), &localhost(&server)).await;
    assert!(
        result.is_err(),
        "a certificate from another CA must not be trusted"
    );
    server.stop().await.expect("clean stop");
}

#[tokio::test]
async fn mutual_tls_refuses_a_client_without_a_certificate() {
    let pki = Pki::new();
    let server = TestServer::start(pki.server_settings(true)).await;
    let addr = localhost(&server);
    assert_eq!(
        analyze_over(&pki.client(true), &addr)
            .await
            .expect("a client with a certificate of the CA is served"),
        "tls"
    );
    assert!(
        analyze_over(&pki.client(false), &addr).await.is_err(),
        "a client without a certificate must be refused"
    );
    let stranger = Pki::new();
    let mut foreign = stranger.client(true);
    foreign.ca = Some(pki.path("ca.pem"));
    assert!(
        analyze_over(&foreign, &addr).await.is_err(),
        "a client certificate from another CA must be refused"
    );

    let (ca, cert, key) = (
        pki.path("ca.pem"),
        pki.path("client.pem"),
        pki.path("client-key.pem"),
    );
    let (with, without) = tokio::task::spawn_blocking(move || {
        let with = health(&[
            "--addr",
            &addr,
            "--tls-ca",
            arg(&ca),
            "--tls-client-cert",
            arg(&cert),
            "--tls-client-key",
            arg(&key),
        ]);
        let without = health(&["--addr", &addr, "--tls-ca", arg(&ca)]);
        (with, without)
    })
    .await
    .expect("probes ran");
    assert!(with.status.success(), "{with:?}");
    assert!(!without.status.success(), "{without:?}");
    server.stop().await.expect("clean stop");
}

#[test]
fn bad_tls_files_are_refused_at_start_naming_the_flag() {
    let pki = Pki::new();
    let error = ServerTls::load(
        Some(&pki.path("server-key.pem")),
        Some(&pki.path("server-key.pem")),
        None,
    )
    .expect_err("a key is no certificate");
    assert!(
        error.to_string().starts_with("--tls-cert: ") && error.to_string().contains("certificate"),
        "{error}"
    );
    let error = ServerTls::load(Some(&pki.path("server.pem")), None, None).expect_err("no key");
    assert_eq!(error.to_string(), "--tls-cert needs --tls-key");
    let error = ServerTls::load(
        Some(&pki.path("server.pem")),
        Some(&pki.path("missing.pem")),
        None,
    )
    .expect_err("missing key file");
    assert!(
        error.to_string().starts_with("--tls-key: cannot read"),
        "{error}"
    );
}
