//! Byte offsets of one response converted into the client's unit in a single pass over the text.
//!
//! A response holds a few hundred spans at most. Converting each one alone costs a scan from a
//! checkpoint, which made building the response of a cached seed article take tens of
//! microseconds; collecting every offset first, sorting them and counting units between
//! neighbours reads each byte of the text once, and the counting works on bytes, not chars.

use crate::analysis::text::OffsetUnit;

/// The offsets of one response, each with its value in the client's unit.
#[derive(Debug)]
pub(super) struct ConvertedOffsets {
    /// Sorted byte offsets, without repeats.
    bytes: Vec<usize>,
    /// `units[i]` = the units in the text before `bytes[i]`.
    units: Vec<u32>,
    identity: bool,
}

impl ConvertedOffsets {
    /// Converts `offsets` (byte offsets on char boundaries of `text`, in any order).
    pub(super) fn new(text: &str, unit: OffsetUnit, offsets: impl Iterator<Item = usize>) -> Self {
        if unit == OffsetUnit::Utf8 || text.is_ascii() {
            return Self {
                bytes: Vec::new(),
                units: Vec::new(),
                identity: true,
            };
        }
        let mut bytes: Vec<usize> = offsets.collect();
        bytes.sort_unstable();
        bytes.dedup();
        let mut units = Vec::with_capacity(bytes.len());
        let (mut at, mut count) = (0, 0u32);
        let text = text.as_bytes();
        for &byte in &bytes {
            let byte = byte.min(text.len());
            count += units_in(&text[at..byte], unit);
            at = byte;
            units.push(count);
        }
        Self {
            bytes,
            units,
            identity: false,
        }
    }

    /// The client's offset for a byte offset given to [`ConvertedOffsets::new`].
    pub(super) fn get(&self, byte: usize) -> u32 {
        if self.identity {
            return u32::try_from(byte).unwrap_or(u32::MAX);
        }
        let index = self
            .bytes
            .binary_search(&byte)
            .expect("every offset of the response was converted");
        self.units[index]
    }
}

/// Units in a run of whole UTF-8 characters: a code point starts at every byte that is not a
/// continuation byte, and a four-byte sequence (lead byte 0xF0 or more) is two UTF-16 units.
fn units_in(bytes: &[u8], unit: OffsetUnit) -> u32 {
    let starts = bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
    let count = match unit {
        OffsetUnit::Utf8 => bytes.len(),
        OffsetUnit::CodePoint => starts,
        OffsetUnit::Utf16 => starts + bytes.iter().filter(|&&b| b >= 0xF0).count(),
    };
    u32::try_from(count).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::text::OffsetMap;

    /// Every char boundary of a text mixing one- to four-byte characters, converted both ways.
    #[test]
    fn agrees_with_the_offset_map_at_every_boundary() {
        let text = "a😀b é — “Phay Siphan” 漢字\u{200b}x😀😀";
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for unit in [OffsetUnit::Utf8, OffsetUnit::Utf16, OffsetUnit::CodePoint] {
            let map = OffsetMap::new(text, unit);
            let converted = ConvertedOffsets::new(text, unit, boundaries.iter().rev().copied());
            for &byte in &boundaries {
                assert_eq!(converted.get(byte), map.convert(byte), "{unit:?} at {byte}");
            }
        }
    }

    #[test]
    fn counts_surrogate_pairs_and_code_points() {
        let text = "😀é";
        let converted = ConvertedOffsets::new(text, OffsetUnit::Utf16, [4, 6].into_iter());
        assert_eq!((converted.get(4), converted.get(6)), (2, 3));
        let converted = ConvertedOffsets::new(text, OffsetUnit::CodePoint, [4, 6].into_iter());
        assert_eq!((converted.get(4), converted.get(6)), (1, 2));
    }
}
