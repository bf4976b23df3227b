//! Arbitrary bytes → a text and options (the first byte picks the features and the language
//! hint) → the whole analysis, checked against every invariant in every offset unit.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, options) = docsift::invariants::text_and_options(data);
    if let Err(violation) = docsift::invariants::check_text(&text, &options) {
        panic!("{violation}");
    }
});
