//! What a cached result costs in memory, for the byte bound.
//!
//! moka bounds the cache by the sum of its entries' weights, so the weight must count what an
//! entry really holds: the heap allocations of the result (strings and vectors at their
//! capacity, not their length) plus the fixed structures around it (the `Arc`, the key, and
//! moka's own bookkeeping per entry).

use std::mem::size_of;

use crate::analysis::{Analysis, Entity, Mention, Quote};

use super::CacheKey;

/// moka's bookkeeping per entry: the hash-table bucket, the entry and its metadata, the key's
/// `Arc`, and the nodes in its access and write deques. Fitted to resident memory (412 to 454
/// bytes per entry measured with a time to live set, moka 0.12, glibc; see
/// `resident_bytes_per_entry` in `benches/cache_memory.rs`).
const MOKA_ENTRY_OVERHEAD: usize = 420;

/// The weight of one entry in bytes, saturated at `u32::MAX` (moka's weight type).
pub(super) fn entry_weight(_key: &CacheKey, analysis: &Analysis) -> u32 {
    u32::try_from(entry_bytes(analysis)).unwrap_or(u32::MAX)
}

/// The bytes an allocation of `size` bytes takes from the allocator: glibc's malloc adds an
/// 8-byte header, rounds up to 16 and hands out at least 32. Zero-sized buffers (empty strings
/// and vectors) allocate nothing.
fn allocated(size: usize) -> usize {
    if size == 0 {
        0
    } else {
        (size + 8).next_multiple_of(16).max(32)
    }
}

/// The bytes an entry holding `analysis` occupies.
pub(super) fn entry_bytes(analysis: &Analysis) -> usize {
    // The Arc's allocation holds two counters and the Analysis itself.
    let fixed = MOKA_ENTRY_OVERHEAD + allocated(2 * size_of::<usize>() + size_of::<Analysis>());
    let language = &analysis.language;
    let language_heap = [
        &language.code,
        &language.bcp47,
        &language.name,
        &language.script,
    ]
    .iter()
    .map(|s| allocated(s.capacity()))
    .sum::<usize>();
    let entities = allocated(analysis.entities.capacity() * size_of::<Entity>())
        + analysis
            .entities
            .iter()
            .map(|entity| {
                allocated(entity.name.capacity())
                    + allocated(entity.mentions.capacity() * size_of::<Mention>())
            })
            .sum::<usize>();
    let quotes = allocated(analysis.quotes.capacity() * size_of::<Quote>())
        + analysis
            .quotes
            .iter()
            .map(|quote| {
                quote
                    .speaker
                    .as_ref()
                    .map_or(0, |s| allocated(s.name.capacity()))
            })
            .sum::<usize>();
    fixed + language_heap + entities + quotes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Options, analyze};

    #[test]
    fn a_bigger_result_weighs_more() {
        let small = analyze("Hello there.", &Options::default()).expect("non-empty text");
        let big = analyze(
            "“We remain friends,” said Phay Siphan. Hun Sen visited Phnom Penh and Washington.",
            &Options::default(),
        )
        .expect("non-empty text");
        let key = CacheKey(0);
        assert!(entry_weight(&key, &small) >= (size_of::<Analysis>() + MOKA_ENTRY_OVERHEAD) as u32);
        assert_eq!(
            (allocated(0), allocated(1), allocated(24), allocated(25)),
            (0, 32, 32, 48)
        );
        assert!(entry_weight(&key, &big) > entry_weight(&key, &small));
    }
}
