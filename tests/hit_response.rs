//! A cache hit answers exactly what the miss answered: in every offset unit, with every set of
//! features and with and without a language hint, through the request path the gRPC service
//! and the queue worker share (validation, cache, pool, response building).

mod cache_support;

use docsift::analysis;
use docsift::cache::{AnalysisCache, CacheConfig};
use docsift::proto::{self, AnalyzeResponse, OffsetUnit};
use docsift::request::validate::{self, Limits};
use docsift::request::workers::Workers;
use docsift::request::{ServiceError, analyze_checked};

const LIMITS: Limits = Limits {
    max_document_bytes: 1 << 20,
    max_batch_documents: 16,
};

const UNITS: [OffsetUnit; 4] = [
    OffsetUnit::Unspecified,
    OffsetUnit::Utf8,
    OffsetUnit::Utf16,
    OffsetUnit::CodePoint,
];

/// One request, as a client sends it, answered through `cache`.
async fn answer(
    cache: &AnalysisCache,
    workers: &Workers,
    document: &proto::Document,
    features: Option<&proto::Features>,
    unit: OffsetUnit,
    skip_cache: bool,
) -> Result<AnalyzeResponse, ServiceError> {
    let shared = validate::shared(features, unit as i32, skip_cache)?;
    let checked = validate::document(Some(document.clone()), "document", &shared, &LIMITS)?;
    analyze_checked(cache, workers, checked, shared, "document".into()).await
}

fn features(entities: bool, quotes: bool, language: bool) -> Option<proto::Features> {
    Some(proto::Features {
        entities,
        quotes,
        language,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hit_answers_what_the_miss_answered() {
    let workers = Workers::new(2, 64, analysis::analyze).expect("a pool");
    let mut texts = cache_support::seed_articles();
    // Two- to four-byte characters around and inside the spans: UTF-16 and code points differ.
    texts.push(
        "“Nous restons amis 😀,” a déclaré Phay Siphan à Phnom Penh. \
         Hun Sen a rencontré Zoë Müller — la ministre — à Genève 🇨🇭."
            .to_owned(),
    );
    let feature_sets = [
        None,
        features(true, false, false),
        features(false, true, false),
        features(false, false, true),
        features(true, true, false),
        features(true, true, true),
    ];
    for (n, text) in texts.iter().enumerate() {
        for hint in ["", "en"] {
            let document = proto::Document {
                id: format!("doc-{n}"),
                text: text.clone(),
                language_hint: hint.to_owned(),
            };
            for wanted in &feature_sets {
                // A cache of its own per options, so that every miss below is a first sight.
                let cache = AnalysisCache::new(CacheConfig::default()).await;
                let mut misses = Vec::new();
                for unit in UNITS {
                    let miss = answer(&cache, &workers, &document, wanted.as_ref(), unit, true)
                        .await
                        .expect("the document analyses");
                    assert!(!miss.cache_hit);
                    assert_eq!(miss.id, document.id);
                    misses.push(miss);
                }
                // Twice: whatever a first hit in a unit may keep, the second is served by it.
                for round in 0..2 {
                    for (unit, miss) in UNITS.iter().zip(&misses) {
                        let hit =
                            answer(&cache, &workers, &document, wanted.as_ref(), *unit, false)
                                .await
                                .expect("the document is cached");
                        assert!(
                            hit.cache_hit,
                            "{n} {hint:?} {wanted:?} {unit:?} round {round}"
                        );
                        assert_eq!(
                            AnalyzeResponse {
                                cache_hit: false,
                                ..hit
                            },
                            *miss,
                            "document {n}, hint {hint:?}, {wanted:?}, {unit:?}, round {round}"
                        );
                    }
                }
                let stats = cache.stats();
                assert_eq!((stats.misses, stats.hits), (4, 8));
            }
        }
    }
}

/// The units really differ on these texts, so the comparison above could fail if a hit ever
/// answered in another unit than the one asked for.
#[tokio::test]
async fn the_units_give_different_offsets() {
    let workers = Workers::new(1, 8, analysis::analyze).expect("a pool");
    let cache = AnalysisCache::new(CacheConfig::default()).await;
    let document = proto::Document {
        id: String::new(),
        text: "😀 “We remain friends,” said Phay Siphan in Phnom Penh.".to_owned(),
        language_hint: String::new(),
    };
    let mut quote_begins = Vec::new();
    for unit in [OffsetUnit::Utf8, OffsetUnit::Utf16, OffsetUnit::CodePoint] {
        let response = answer(&cache, &workers, &document, None, unit, false)
            .await
            .expect("the document analyses");
        assert_eq!(response.offset_unit, unit as i32);
        let quote = response.quotes.first().expect("one quote");
        quote_begins.push(quote.span.as_ref().expect("a span").begin);
    }
    let before = &document.text[..quote_begins[0] as usize];
    let (utf16, code_points) = (before.encode_utf16().count(), before.chars().count());
    assert_eq!(quote_begins[1..], [utf16 as u32, code_points as u32]);
    assert!(quote_begins[0] > quote_begins[1] && quote_begins[1] > quote_begins[2]);
}
