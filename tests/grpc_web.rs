//! gRPC-Web, as a browser speaks it (HTTP/1.1, `application/grpc-web+proto`, the status in a
//! trailer frame): on the gRPC port with CORS for the configured origins only, and on the demo
//! page's HTTP listener beside the page itself.

mod common;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use prost::Message;

use common::{SEEDS, TestServer, fixture, request, settings};
use docsift::proto::AnalyzeResponse;

/// Sends one HTTP/1.1 request to `addr` and reads the whole answer.
async fn send(addr: &str, request: Request<Full<Bytes>>) -> Response<Bytes> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("HTTP/1.1 handshake");
    tokio::spawn(connection);
    let response = sender.send_request(request).await.expect("an answer");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("a whole body").to_bytes();
    Response::from_parts(parts, body)
}

/// A gRPC-Web call of `Analyze`, from `origin` when given.
fn grpc_web_analyze(text: &str, origin: Option<&str>) -> Request<Full<Bytes>> {
    let message = request("web", text).encode_to_vec();
    let mut frame = vec![0u8];
    frame.extend_from_slice(&u32::try_from(message.len()).expect("small").to_be_bytes());
    frame.extend_from_slice(&message);
    let mut builder = Request::post("/docsift.v1.Analyzer/Analyze")
        .header("host", "docsift.test")
        .header("content-type", "application/grpc-web+proto")
        .header("x-grpc-web", "1");
    if let Some(origin) = origin {
        builder = builder.header("origin", origin);
    }
    builder
        .body(Full::new(Bytes::from(frame)))
        .expect("a request")
}

/// The message and the trailers of a gRPC-Web answer.
fn read_frames(body: &[u8]) -> (Option<AnalyzeResponse>, String) {
    let (mut message, mut trailers) = (None, String::new());
    let mut at = 0;
    while at + 5 <= body.len() {
        let length = u32::from_be_bytes(body[at + 1..at + 5].try_into().expect("4 bytes")) as usize;
        let payload = &body[at + 5..at + 5 + length];
        if body[at] & 0x80 != 0 {
            trailers = String::from_utf8_lossy(payload).into_owned();
        } else {
            message = Some(AnalyzeResponse::decode(payload).expect("an AnalyzeResponse"));
        }
        at += 5 + length;
    }
    (message, trailers)
}

fn header<'r>(response: &'r Response<Bytes>, name: &str) -> Option<&'r str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

fn preflight(origin: &str) -> Request<Full<Bytes>> {
    Request::options("/docsift.v1.Analyzer/Analyze")
        .header("host", "docsift.test")
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,x-grpc-web")
        .body(Full::new(Bytes::new()))
        .expect("a request")
}

#[tokio::test]
async fn analyze_over_grpc_web_on_the_grpc_port() {
    let server = TestServer::start(settings()).await;
    let text = fixture(SEEDS[0]);
    let response = send(&server.addr, grpc_web_analyze(&text, None)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-type"),
        Some("application/grpc-web+proto")
    );
    let (message, trailers) = read_frames(response.body());
    assert!(trailers.contains("grpc-status:0"), "{trailers}");
    let analysis = message.expect("an analysis");
    assert_eq!(analysis.id, "web");
    assert!(analysis.quotes.len() >= 5, "{analysis:?}");
    assert!(!analysis.entities.is_empty());
    server.stop().await.expect("stops");
}

#[tokio::test]
async fn a_bad_document_over_grpc_web_names_the_field() {
    let server = TestServer::start(settings()).await;
    let response = send(&server.addr, grpc_web_analyze("", None)).await;
    assert_eq!(response.status(), 200);
    // An error with no message comes back "trailers-only", in the headers.
    assert_eq!(header(&response, "grpc-status"), Some("3"));
    let message = header(&response, "grpc-message").unwrap_or_default();
    assert!(message.contains("document.text"), "{message}");
    server.stop().await.expect("stops");
}

#[tokio::test]
async fn cross_origin_calls_only_from_the_origins_configured() {
    let mut allowing = settings();
    allowing.cors_allow_origin = vec!["http://app.example".to_owned()];
    let server = TestServer::start(allowing).await;
    let allowed = send(&server.addr, preflight("http://app.example")).await;
    assert_eq!(
        header(&allowed, "access-control-allow-origin"),
        Some("http://app.example")
    );
    let methods = header(&allowed, "access-control-allow-methods").unwrap_or_default();
    assert!(methods.contains("POST"), "{methods}");
    let call = send(
        &server.addr,
        grpc_web_analyze("Angela Merkel spoke in Berlin.", Some("http://app.example")),
    )
    .await;
    assert_eq!(
        header(&call, "access-control-allow-origin"),
        Some("http://app.example")
    );
    let exposed = header(&call, "access-control-expose-headers").unwrap_or_default();
    assert!(exposed.contains("grpc-status"), "{exposed}");
    let refused = send(&server.addr, preflight("http://other.example")).await;
    assert_eq!(header(&refused, "access-control-allow-origin"), None);
    server.stop().await.expect("stops");

    // By default no origin is allowed.
    let server = TestServer::start(settings()).await;
    let refused = send(&server.addr, preflight("http://app.example")).await;
    assert_eq!(header(&refused, "access-control-allow-origin"), None);
    server.stop().await.expect("stops");
}

#[tokio::test]
async fn the_demo_page_and_grpc_web_on_the_http_listener() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let http = free.local_addr().expect("bound");
    drop(free);
    let mut with_page = settings();
    with_page.http_listen = Some(http);
    let server = TestServer::start(with_page).await;
    let http = http.to_string();
    let get = |path: &str| {
        Request::get(path)
            .header("host", "docsift.test")
            .body(Full::new(Bytes::new()))
            .expect("a request")
    };
    // The listener is bound before the server answers on its gRPC port.
    let _ = send(&server.addr, grpc_web_analyze("Warm up.", None)).await;

    let page = send(&http, get("/")).await;
    assert_eq!(page.status(), 200);
    let html = String::from_utf8_lossy(page.body());
    assert!(html.contains("<textarea id=\"article\""), "{html}");
    assert!(html.contains("src=\"demo.js\""));
    let script = send(&http, get("/demo.js")).await;
    assert_eq!(
        header(&script, "content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(String::from_utf8_lossy(script.body()).contains("application/grpc-web+proto"));
    let style = send(&http, get("/docsift.css")).await;
    assert!(String::from_utf8_lossy(style.body()).contains("mark.entity.person"));

    let answer = send(&http, grpc_web_analyze(&fixture(SEEDS[1]), None)).await;
    let (message, trailers) = read_frames(answer.body());
    assert!(trailers.contains("grpc-status:0"), "{trailers}");
    assert!(!message.expect("an analysis").quotes.is_empty());
    server.stop().await.expect("stops");
}
