//! Property: on random Unicode text (emoji, CJK, combining marks, right-to-left scripts, CRLF,
//! quotes and names), every span of the response, in every offset unit, slices exactly the text
//! the core saw.

use docsift::analysis::text::OffsetUnit;
use docsift::analysis::{self, Options};
use docsift::proto::{self, AnalyzeResponse};
use proptest::prelude::*;

const FRAGMENTS: &[&str] = &[
    "Phay Siphan",
    "said",
    "“",
    "”",
    "\"",
    "‘",
    "’",
    "’s",
    " ",
    " ",
    "\r\n",
    "\n\n",
    ",",
    ".",
    "😀",
    "👍🏽",
    "🇰🇭",
    "北京",
    "東京都",
    "é",
    "e\u{301}",
    "Ü",
    "שלום",
    "مرحبا",
    "Москва",
    "the Ministry of Justice",
    "Kem Sokha",
    "he",
    "told reporters",
    ":",
    "U.S.",
    "(CNRP)",
    "\u{200d}",
    "\t",
    "Zoë",
    "«",
    "»",
    "—",
];

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(FRAGMENTS).prop_map(str::to_owned),
            1 => any::<String>(),
        ],
        1..60,
    )
    .prop_map(|parts| parts.concat())
    .prop_filter("non-blank", |t| !t.trim().is_empty())
}

fn slice(text: &str, span: &proto::Span, unit: OffsetUnit) -> Option<String> {
    let (begin, end) = (span.begin as usize, span.end as usize);
    match unit {
        OffsetUnit::Utf8 => text.get(begin..end).map(str::to_owned),
        OffsetUnit::Utf16 => {
            let units: Vec<u16> = text.encode_utf16().collect();
            String::from_utf16(units.get(begin..end)?).ok()
        }
        OffsetUnit::CodePoint => {
            let chars: Vec<char> = text.chars().collect();
            Some(chars.get(begin..end)?.iter().collect())
        }
    }
}

fn spans(response: &AnalyzeResponse) -> Vec<(&proto::Span, &str)> {
    let mut out = Vec::new();
    for entity in &response.entities {
        for mention in &entity.mentions {
            out.push((mention.span.as_ref().expect("span"), mention.text.as_str()));
        }
    }
    for quote in &response.quotes {
        out.push((quote.span.as_ref().expect("span"), quote.text.as_str()));
        if let Some(cue) = &quote.cue {
            out.push((cue.span.as_ref().expect("span"), cue.text.as_str()));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_span_in_every_unit_slices_the_text(text in text_strategy()) {
        let result = analysis::analyze(&text, &Options::default()).expect("non-blank text analyses");
        let bytes = proto::analysis_to_proto(&text, &result, OffsetUnit::Utf8);
        for unit in [OffsetUnit::Utf8, OffsetUnit::Utf16, OffsetUnit::CodePoint] {
            let response = proto::analysis_to_proto(&text, &result, unit);
            let (in_unit, in_bytes) = (spans(&response), spans(&bytes));
            prop_assert_eq!(in_unit.len(), in_bytes.len());
            for ((span, said), (byte_span, _)) in in_unit.iter().zip(&in_bytes) {
                let core_text = &text[byte_span.begin as usize..byte_span.end as usize];
                prop_assert_eq!(*said, core_text);
                let sliced = slice(&text, span, unit);
                prop_assert_eq!(sliced.as_deref(), Some(core_text), "{:?}", unit);
            }
        }
    }
}
