//! What the tagger knows of a word from text far larger than its training data: clusters of
//! GloVe vectors at three granularities, Brown clusters, and how common the word is in English in
//! lower case (so that "Will" opening a sentence reads as the verb, "Siphan" as a name).
//!
//! The tables are built by `scripts/word-tables.py` into `data/words/` and embedded; their
//! sources and licences are in `models/README.md`. Each is an array of records sorted by the
//! tagger's hash of the word (lower-cased with digits as 0 for GloVe and the frequency, as
//! written for Brown), read in place: nothing is copied or parsed at start, and the only thing
//! built is an index of where each range of hashes begins (256 KiB a table).

use std::sync::LazyLock;

const MAGIC: &[u8; 8] = b"DSWORDS1";

/// A table of fixed-size records keyed by sorted 64-bit hashes.
pub(crate) struct WordTable {
    keys: &'static [u8],
    records: &'static [u8],
    size: usize,
    /// Where the keys of each bucket begin, the buckets numbered by a key's top
    /// [`BUCKET_BITS`] bits, with the end of the last one after them. The keys are hashes,
    /// spread evenly, so a bucket holds a few: a word is found with two reads of memory where
    /// a binary search over the whole table made eighteen, each waiting on the one before.
    starts: Vec<u32>,
}

/// The bits of a key that number its bucket: 65,536 buckets of about three keys each.
const BUCKET_BITS: u32 = 16;

impl WordTable {
    /// Reads a table of `size`-byte records; an empty table when the bytes are not one.
    fn new(bytes: &'static [u8], size: usize) -> WordTable {
        let empty = WordTable {
            keys: &[],
            records: &[],
            size,
            starts: vec![0; (1 << BUCKET_BITS) + 1],
        };
        if bytes.len() < 12 || &bytes[..8] != MAGIC {
            return empty;
        }
        let n = u32::from_le_bytes(bytes[8..12].try_into().expect("four bytes")) as usize;
        let keys_end = 12 + n * 8;
        if bytes.len() != keys_end + n * size {
            return empty;
        }
        let mut table = WordTable {
            keys: &bytes[12..keys_end],
            records: &bytes[keys_end..],
            size,
            starts: Vec::with_capacity((1 << BUCKET_BITS) + 1),
        };
        let mut bucket = 0;
        for index in 0..n {
            let home = Self::bucket(table.key(index));
            while bucket <= home {
                table.starts.push(index as u32);
                bucket += 1;
            }
        }
        table.starts.resize((1 << BUCKET_BITS) + 1, n as u32);
        table
    }

    fn bucket(key: u64) -> usize {
        (key >> (64 - BUCKET_BITS)) as usize
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.keys.len() / 8
    }

    fn key(&self, index: usize) -> u64 {
        u64::from_le_bytes(
            self.keys[index * 8..index * 8 + 8]
                .try_into()
                .expect("eight bytes"),
        )
    }

    /// The record of a word's hash.
    fn get(&self, key: u64) -> Option<&'static [u8]> {
        let bucket = Self::bucket(key);
        let (begin, end) = (self.starts[bucket], self.starts[bucket + 1]);
        let index = (begin as usize..end as usize).find(|&index| self.key(index) == key)?;
        let records: &'static [u8] = self.records;
        Some(&records[index * self.size..(index + 1) * self.size])
    }
}

static GLOVE_BYTES: &[u8] = include_bytes!("../../../data/words/glove-clusters.bin");
static BROWN_BYTES: &[u8] = include_bytes!("../../../data/words/brown-clusters.bin");

/// GloVe clusters (three u16) and the frequency step (u8), by normalised word.
static GLOVE: LazyLock<WordTable> = LazyLock::new(|| WordTable::new(GLOVE_BYTES, 7));
/// Brown cluster bit paths (u32), by the word as written.
static BROWN: LazyLock<WordTable> = LazyLock::new(|| WordTable::new(BROWN_BYTES, 4));

/// No cluster: the word is not among the clustered ones.
pub(crate) const UNKNOWN: u16 = u16::MAX;

/// What the tables say of one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WordClasses {
    /// GloVe clusters at 256, 1024 and 4096 clusters, or [`UNKNOWN`].
    pub(crate) glove: [u16; 3],
    /// The Brown cluster's bit path (its binary digits), 0 when unknown.
    pub(crate) brown: u32,
    /// How rare the lower-cased word is: −ln of its probability in whole steps (1 for the
    /// commonest words), 0 when unknown (rarer still).
    pub(crate) rarity: u8,
}

impl WordClasses {
    /// The first `bits` binary digits of the Brown path (all of a shorter one).
    pub(crate) fn brown_prefix(&self, bits: u32) -> u32 {
        let length = 32 - self.brown.leading_zeros();
        if length > bits {
            self.brown >> (length - bits)
        } else {
            self.brown
        }
    }
}

/// The classes of a word by the tagger's hashes of its normalised form and of the word as
/// written.
pub(crate) fn classes(lower: u64, word: u64) -> WordClasses {
    let (glove, rarity) = match GLOVE.get(lower) {
        Some(r) => (
            [
                u16::from_le_bytes([r[0], r[1]]),
                u16::from_le_bytes([r[2], r[3]]),
                u16::from_le_bytes([r[4], r[5]]),
            ],
            r[6],
        ),
        None => ([UNKNOWN; 3], 0),
    };
    let brown = BROWN
        .get(word)
        .map_or(0, |r| u32::from_le_bytes([r[0], r[1], r[2], r[3]]));
    WordClasses {
        glove,
        brown,
        rarity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::entities::features::normalise;
    use crate::analysis::entities::hash::hash_str;

    fn of(word: &str) -> WordClasses {
        classes(hash_str(&normalise(word)), hash_str(word))
    }

    #[test]
    fn the_tables_are_embedded_and_read() {
        assert!(GLOVE.len() > 100_000, "{}", GLOVE.len());
        assert!(BROWN.len() > 100_000, "{}", BROWN.len());
    }

    #[test]
    fn every_word_of_a_table_is_found_at_its_own_record() {
        for table in [&*GLOVE, &*BROWN] {
            for index in 0..table.len() {
                let record = table.get(table.key(index)).expect("a key of the table");
                assert_eq!(
                    record.as_ptr(),
                    table.records[index * table.size..].as_ptr()
                );
            }
            assert_eq!(table.get(0x0123_4567_89ab_cdef), None);
        }
    }

    #[test]
    fn days_share_a_cluster_and_names_do_not_join_them() {
        let (monday, tuesday, germany) = (of("Monday"), of("Tuesday"), of("Germany"));
        assert_ne!(monday.glove[1], UNKNOWN);
        assert_eq!(monday.glove[1], tuesday.glove[1]);
        assert_ne!(monday.glove[1], germany.glove[1]);
        assert_ne!(monday.brown, 0);
    }

    #[test]
    fn common_words_are_less_rare_than_names() {
        let (will, the) = (of("Will"), of("the"));
        assert!(
            the.rarity >= 1 && the.rarity < will.rarity,
            "{the:?} {will:?}"
        );
        assert_eq!(of("Qwzxtrvbnk").rarity, 0);
        assert_eq!(of("Qwzxtrvbnk").glove, [UNKNOWN; 3]);
    }

    #[test]
    fn brown_prefixes_cut_the_path() {
        let w = WordClasses {
            glove: [UNKNOWN; 3],
            brown: 0b1011_0110,
            rarity: 0,
        };
        assert_eq!(w.brown_prefix(4), 0b1011);
        assert_eq!(w.brown_prefix(20), 0b1011_0110);
    }
}
