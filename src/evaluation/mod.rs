//! Evaluation: predictions on annotated development sets, written in the format of the scorers
//! that the project measures itself with (code-point offsets, one JSON object a document).

pub mod ner;
pub mod quotes;

use crate::analysis::Span;
use crate::analysis::text::{OffsetMap, OffsetUnit};

/// Converts a byte span of `text` into code-point offsets, as the scorers count.
pub(crate) fn code_points(map: &OffsetMap, span: Span) -> (u32, u32) {
    (map.convert(span.begin), map.convert(span.end))
}

/// An offset map in code points, the scorers' unit.
pub(crate) fn code_point_map(text: &str) -> OffsetMap<'_> {
    OffsetMap::new(text, OffsetUnit::CodePoint)
}
