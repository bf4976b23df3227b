//! Conversion of byte offsets into the unit a client counts in.
//!
//! The core works in UTF-8 bytes. Java, JavaScript and C# index strings by UTF-16 code units,
//! Python by code points; the service converts every span once, just before it answers.

/// The unit in which offsets are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OffsetUnit {
    #[default]
    Utf8,
    Utf16,
    CodePoint,
}

/// Every this many bytes the map stores the count of units before it, so a lookup scans at most
/// this many bytes and the map costs a few bytes per kilobyte of text.
const STRIDE: usize = 256;

/// Converts byte offsets of one text into another unit in O(STRIDE) per lookup.
#[derive(Debug, Clone)]
pub struct OffsetMap<'t> {
    text: &'t str,
    unit: OffsetUnit,
    /// `checkpoints[i]` = units in `text[..start_i]`, where `start_i` is the first char boundary
    /// at or after `i * STRIDE`; empty when no conversion is needed.
    checkpoints: Vec<(usize, u32)>,
}

impl<'t> OffsetMap<'t> {
    pub fn new(text: &'t str, unit: OffsetUnit) -> Self {
        let identity = unit == OffsetUnit::Utf8 || text.is_ascii();
        let mut checkpoints = Vec::new();
        if !identity {
            let mut units = 0u32;
            let mut next = 0;
            for (at, c) in text.char_indices() {
                if at >= next {
                    checkpoints.push((at, units));
                    next = (at / STRIDE + 1) * STRIDE;
                }
                units += unit_len(c, unit);
            }
        }
        Self {
            text,
            unit,
            checkpoints,
        }
    }

    /// The offset in this map's unit of a byte offset on a char boundary of the text.
    pub fn convert(&self, byte: usize) -> u32 {
        debug_assert!(
            self.text.is_char_boundary(byte),
            "offset inside a character"
        );
        if self.checkpoints.is_empty() {
            return u32::try_from(byte).unwrap_or(u32::MAX);
        }
        let index = self.checkpoints.partition_point(|&(at, _)| at <= byte);
        let Some(&(at, units)) = index.checked_sub(1).map(|i| &self.checkpoints[i]) else {
            return 0;
        };
        units
            + self.text[at..byte]
                .chars()
                .map(|c| unit_len(c, self.unit))
                .sum::<u32>()
    }
}

fn unit_len(c: char, unit: OffsetUnit) -> u32 {
    match unit {
        OffsetUnit::Utf8 => c.len_utf8() as u32,
        OffsetUnit::Utf16 => c.len_utf16() as u32,
        OffsetUnit::CodePoint => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_each_unit() {
        let text = "a😀b é";
        let byte_of_b = text.find('b').expect("b is in the text");
        assert_eq!(OffsetMap::new(text, OffsetUnit::Utf8).convert(byte_of_b), 5);
        assert_eq!(
            OffsetMap::new(text, OffsetUnit::Utf16).convert(byte_of_b),
            3
        );
        assert_eq!(
            OffsetMap::new(text, OffsetUnit::CodePoint).convert(byte_of_b),
            2
        );
        assert_eq!(
            OffsetMap::new(text, OffsetUnit::CodePoint).convert(text.len()),
            5
        );
    }

    #[test]
    fn long_text_crosses_checkpoints() {
        let text = "é".repeat(1000);
        let map = OffsetMap::new(&text, OffsetUnit::CodePoint);
        for n in [0, 1, 127, 128, 129, 500, 1000] {
            assert_eq!(map.convert(n * 2), n as u32);
        }
    }
}
