//! The identity of a cached result.
//!
//! Two requests share a result exactly when the engine, the options that change the result and
//! the text are the same. The offset unit is left out on purpose: offsets are converted after
//! the cache, so one entry serves UTF-8, UTF-16 and code-point clients alike.

use xxhash_rust::xxh3::Xxh3;

use crate::analysis::{ENGINE_VERSION, Options};

/// A 128-bit xxh3 hash of engine version, result-changing options and text.
///
/// 128 bits make an accidental collision between distinct documents practically impossible
/// (about 2^-64 after 2^32 documents), so the key alone stands for the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CacheKey(pub u128);

impl CacheKey {
    /// The key of `text` analysed with `options`. Hashes the text in place (streaming), without
    /// copying it.
    pub fn new(text: &str, options: &Options) -> Self {
        let mut hasher = Xxh3::new();
        // Every variable-length field is preceded by its length, so no two different inputs
        // hash the same bytes.
        let mut field = |bytes: &[u8]| {
            hasher.update(&(bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        };
        field(ENGINE_VERSION.as_bytes());
        let features = options.features.or_all();
        field(&[
            features.entities as u8,
            features.quotes as u8,
            features.language as u8,
        ]);
        field(options.language_hint.as_deref().unwrap_or("").as_bytes());
        field(text.as_bytes());
        Self(hasher.digest128())
    }

    /// The key under which the shared Redis tier stores this result.
    pub fn redis_key(&self) -> String {
        format!("docsift:result:{self}")
    }
}

impl std::fmt::Display for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Features;

    #[test]
    fn the_key_depends_on_options_and_text() {
        let all = Options::default();
        let quotes = Options {
            features: Features {
                quotes: true,
                ..Features::default()
            },
            language_hint: None,
        };
        let hinted = Options {
            language_hint: Some("en".into()),
            ..Options::default()
        };
        let key = CacheKey::new("Hello.", &all);
        assert_eq!(key, CacheKey::new("Hello.", &all));
        assert_ne!(key, CacheKey::new("Hello!", &all));
        assert_ne!(key, CacheKey::new("Hello.", &quotes));
        assert_ne!(key, CacheKey::new("Hello.", &hinted));
        // Naming every feature is the same request as naming none.
        let every = Options {
            features: Features::ALL,
            language_hint: None,
        };
        assert_eq!(key, CacheKey::new("Hello.", &every));
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        let a = Options {
            language_hint: Some("en".into()),
            ..Options::default()
        };
        let b = Options {
            language_hint: Some("e".into()),
            ..Options::default()
        };
        assert_ne!(CacheKey::new("x", &a), CacheKey::new("nx", &b));
    }
}
