//! Values planted under docsift's keys in Redis by another writer, end to end through the gRPC
//! server: random bytes, a stored value cut short, a key of the wrong Redis type, and a
//! well-formed value of another document re-keyed (right header, right checksum, spans past this
//! text). Each is a counted miss; the client always gets a correct analysis.

mod cache_support;
mod common;

use cache_support::RedisServer;
use common::{TestServer, request, settings};
use docsift::analysis::Options;
use docsift::cache::CacheKey;
use docsift::proto::GetInfoRequest;

const SHORT: &str = "“We remain friends,” Phay Siphan said in Phnom Penh.";

fn long_text() -> String {
    format!(
        "{}\n\n“The vote will go ahead,” Chhum Socheat told reporters on Thursday in Phnom Penh.",
        "Prime Minister Hun Sen spoke to the National Assembly. ".repeat(20)
    )
}

async fn redis_errors(server: &TestServer) -> u64 {
    let info = server
        .client()
        .await
        .get_info(GetInfoRequest::default())
        .await
        .expect("GetInfo")
        .into_inner();
    info.cache.expect("cache stats").redis_errors
}

async fn set(connection: &mut redis::aio::MultiplexedConnection, key: &str, value: &[u8]) {
    let _: () = redis::cmd("DEL")
        .arg(key)
        .query_async(connection)
        .await
        .expect("DEL");
    let () = redis::cmd("SET")
        .arg(key)
        .arg(value)
        .query_async(connection)
        .await
        .expect("SET");
}

#[tokio::test]
async fn garbage_planted_in_redis_is_a_counted_miss_and_never_an_error() {
    let Some(redis_server) = RedisServer::start() else {
        return;
    };
    let mut connection = cache_support::raw_connection(&redis_server).await;
    let mut with_redis = settings();
    // No in-process cache: every request goes to Redis.
    with_redis.cache.max_bytes = 0;
    with_redis.cache.redis_url = Some(redis_server.url());
    with_redis.cache.redis_timeout = std::time::Duration::from_secs(2);
    let server = TestServer::start(with_redis).await;
    let mut client = server.client().await;

    let expected = client
        .analyze(request("s", SHORT))
        .await
        .expect("analyses")
        .into_inner();
    cache_support::written(&redis_server, SHORT).await;
    let key = CacheKey::new(SHORT, &Options::default());
    let stored: Vec<u8> = redis::cmd("GET")
        .arg(key.redis_key())
        .query_async(&mut connection)
        .await
        .expect("GET");

    // Another document's well-formed value, re-keyed for this one: its spans run past SHORT.
    let long = long_text();
    client.analyze(request("l", &long)).await.expect("analyses");
    cache_support::written(&redis_server, &long).await;
    let mut foreign: Vec<u8> = redis::cmd("GET")
        .arg(CacheKey::new(&long, &Options::default()).redis_key())
        .query_async(&mut connection)
        .await
        .expect("GET");
    foreign[4..20].copy_from_slice(&key.0.to_le_bytes());

    let plants: Vec<(&str, Vec<u8>)> = vec![
        (
            "random bytes",
            b"\x00\xffnot a docsift value at all".to_vec(),
        ),
        (
            "a stored value cut short",
            stored[..stored.len() - 9].to_vec(),
        ),
        ("another document's value", foreign),
    ];
    for (what, value) in plants {
        set(&mut connection, &key.redis_key(), &value).await;
        let before = redis_errors(&server).await;
        let response = client
            .analyze(request("s", SHORT))
            .await
            .unwrap_or_else(|status| panic!("{what}: {status:?}"))
            .into_inner();
        assert!(!response.cache_hit, "{what} was served");
        assert_eq!(response.quotes, expected.quotes, "{what}");
        assert_eq!(response.entities, expected.entities, "{what}");
        assert!(
            redis_errors(&server).await > before,
            "{what} is counted as an unreadable value"
        );
        cache_support::written(&redis_server, SHORT).await;
    }

    // A key of the wrong Redis type: GET fails with WRONGTYPE.
    let _: () = redis::cmd("DEL")
        .arg(key.redis_key())
        .query_async(&mut connection)
        .await
        .expect("DEL");
    let _: i64 = redis::cmd("LPUSH")
        .arg(key.redis_key())
        .arg("x")
        .query_async(&mut connection)
        .await
        .expect("LPUSH");
    let before = redis_errors(&server).await;
    let response = client
        .analyze(request("s", SHORT))
        .await
        .expect("a WRONGTYPE key is a miss")
        .into_inner();
    assert_eq!(response.quotes, expected.quotes);
    assert!(redis_errors(&server).await > before);
    server.stop().await.expect("clean stop");
}
