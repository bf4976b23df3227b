//! Feature keys: 64-bit hashes of a template number and its parts.
//!
//! The tagger never builds feature strings: every part of a feature (a word, a shape, a tag) is
//! hashed once per token and features are mixed from those hashes, which keeps tagging free of
//! allocation. 64 bits make collisions between the few million features negligible.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const K: u64 = 0x517c_c1b7_2722_0a95;

/// A map keyed by a hash of this module (a word's [`hash_str`]): the key is spread already, so
/// the map uses it as it is rather than hashing it again with SipHash, on every token.
pub(crate) type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<AlreadyHashed>>;

/// The hasher of [`KeyMap`]: passes a `u64` through.
#[derive(Default)]
pub(crate) struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Hashes a string (FxHash over 8-byte words, then a final mix).
pub(crate) fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes = s.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("chunk has 8 bytes"));
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    fmix(h ^ bytes.len() as u64)
}

/// Combines a hash with one more part.
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    fmix((a.rotate_left(23) ^ b).wrapping_mul(K))
}

/// A feature key from a template number and one part.
pub(crate) fn key1(template: u64, a: u64) -> u64 {
    mix(template.wrapping_mul(0xff51_afd7_ed55_8ccd), a)
}

/// A feature key from a template number and two parts.
pub(crate) fn key2(template: u64, a: u64, b: u64) -> u64 {
    mix(key1(template, a), b)
}

/// MurmurHash3's 64-bit finaliser: spreads every input bit over the output.
pub(crate) fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_parts_give_different_keys() {
        assert_ne!(hash_str("Siphan"), hash_str("siphan"));
        assert_ne!(key1(1, hash_str("a")), key1(2, hash_str("a")));
        assert_ne!(key2(1, 1, 2), key2(1, 2, 1));
        assert_eq!(hash_str("Phay Siphan"), hash_str("Phay Siphan"));
    }
}
