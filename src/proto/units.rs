//! Byte offsets of one response converted into the client's unit with one pass over the text.
//!
//! A response holds a few hundred spans; news text is mostly ASCII, where a byte is a unit in
//! every encoding. One pass records where each non-ASCII character starts and how many units
//! fewer than bytes the text holds up to its end; an offset is then its byte offset less the
//! shortfall of the characters before it, found by a binary search among those few characters.
//! The pass skips ASCII sixteen bytes at a time and needs neither the offsets beforehand nor a
//! sort of them (the previous way: collect, sort, count units between neighbours, search).

use crate::analysis::text::OffsetUnit;

/// The offsets of one text in the client's unit.
#[derive(Debug)]
pub(super) struct ConvertedOffsets {
    /// Byte offset at which each non-ASCII character starts, ascending.
    starts: Vec<u32>,
    /// `shortfall[i]`: bytes less units of the text up to the end of the `i`th non-ASCII
    /// character.
    shortfall: Vec<u32>,
    /// The text's length in bytes: offsets past it are read as its end.
    len: usize,
}

impl ConvertedOffsets {
    /// Reads `text` for conversions into `unit`.
    pub(super) fn new(text: &str, unit: OffsetUnit) -> Self {
        let mut converted = Self {
            starts: Vec::new(),
            shortfall: Vec::new(),
            len: text.len(),
        };
        if unit == OffsetUnit::Utf8 {
            return converted;
        }
        // Positions are kept in 32 bits, the width of the API's offsets: past 4 GiB (far beyond
        // any request limit) every offset reads as the largest.
        let bytes = &text.as_bytes()[..text.len().min(u32::MAX as usize)];
        let mut at = 0;
        let mut total = 0u32;
        while at < bytes.len() {
            if let Some(chunk) = bytes.get(at..at + 16)
                && chunk.is_ascii()
            {
                at += 16;
                continue;
            }
            let lead = bytes[at];
            if lead < 0x80 {
                at += 1;
                continue;
            }
            // `text` is valid UTF-8: the lead byte gives the character's length.
            let width = match lead {
                0xF0.. => 4,
                0xE0.. => 3,
                _ => 2,
            };
            let units = match unit {
                OffsetUnit::Utf16 if width == 4 => 2,
                _ => 1,
            };
            total += width - units;
            converted.starts.push(at as u32);
            converted.shortfall.push(total);
            at += width as usize;
        }
        converted
    }

    /// The client's offset for `byte`, a char boundary of the text.
    pub(super) fn get(&self, byte: usize) -> u32 {
        let byte = byte.min(self.len);
        if byte > u32::MAX as usize {
            return u32::MAX;
        }
        let before = self
            .starts
            .partition_point(|&start| (start as usize) < byte);
        let shortfall = before.checked_sub(1).map_or(0, |i| self.shortfall[i]);
        (byte - shortfall as usize) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::text::OffsetMap;

    /// Every char boundary of texts mixing one- to four-byte characters, converted both ways;
    /// ASCII runs of every length up to forty put the other characters at every position of
    /// the sixteen-byte steps.
    #[test]
    fn agrees_with_the_offset_map_at_every_boundary() {
        let mut mixed = String::new();
        for run in 0..40 {
            for other in ["é", "—", "😀", "\u{200b}"] {
                mixed.push_str(&"x".repeat(run));
                mixed.push_str(other);
            }
        }
        for text in [
            "a😀b é — “Phay Siphan” 漢字\u{200b}x😀😀",
            &mixed,
            "plain ASCII text",
            "",
        ] {
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for unit in [OffsetUnit::Utf8, OffsetUnit::Utf16, OffsetUnit::CodePoint] {
                let map = OffsetMap::new(text, unit);
                let converted = ConvertedOffsets::new(text, unit);
                for &byte in &boundaries {
                    assert_eq!(converted.get(byte), map.convert(byte), "{unit:?} at {byte}");
                }
            }
        }
    }

    #[test]
    fn counts_surrogate_pairs_and_code_points() {
        let text = "😀é";
        let converted = ConvertedOffsets::new(text, OffsetUnit::Utf16);
        assert_eq!((converted.get(4), converted.get(6)), (2, 3));
        let converted = ConvertedOffsets::new(text, OffsetUnit::CodePoint);
        assert_eq!((converted.get(4), converted.get(6)), (1, 2));
    }
}
