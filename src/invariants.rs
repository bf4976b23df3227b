//! The properties every analysis of every text must have, whatever the text: checked by the fuzz
//! targets (`fuzz/`) on arbitrary input and by `tests/fuzz_regressions.rs` on the inputs that
//! once broke them. A violation is returned as a sentence saying which property failed where.

use crate::analysis::text::OffsetUnit;
use crate::analysis::{self, Analysis, AnalysisError, Features, Options, Span};
use crate::grpc::validate::{self, Limits};
use crate::proto;

/// The limits the request fuzz target validates against: small, so that the fuzzer reaches the
/// over-limit paths too.
pub const FUZZ_LIMITS: Limits = Limits {
    max_document_bytes: 4096,
    max_batch_documents: 8,
};

/// Every offset unit a client can ask for.
pub const OFFSET_UNITS: [OffsetUnit; 3] =
    [OffsetUnit::Utf8, OffsetUnit::Utf16, OffsetUnit::CodePoint];

/// Analyses `text` with `options`, then checks the analysis and its response in every offset
/// unit. An empty text and an unknown hint must be refused, not analysed.
pub fn check_text(text: &str, options: &Options) -> Result<(), String> {
    match analysis::analyze(text, options) {
        Ok(analysis) => {
            check_analysis(text, options.features, &analysis)?;
            for unit in OFFSET_UNITS {
                let response = proto::analysis_to_proto(text, &analysis, unit);
                check_response(text, &analysis, &response, unit)?;
            }
            Ok(())
        }
        Err(AnalysisError::EmptyText) if text.trim().is_empty() => Ok(()),
        Err(AnalysisError::EmptyText) => Err("a non-blank text was called empty".into()),
        Err(AnalysisError::UnknownLanguageHint(_)) => Ok(()),
    }
}

/// Decodes `bytes` as an `AnalyzeRequest`, validates it as the service does, and checks the
/// analysis of whatever passes. Malformed bytes and refused requests are fine; a panic is not.
pub fn check_request_bytes(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let Ok(request) = <proto::AnalyzeRequest as prost::Message>::decode(bytes) else {
        return Ok(());
    };
    let Ok(shared) = validate::shared(
        request.features.as_ref(),
        request.offset_unit,
        request.skip_cache,
    ) else {
        return Ok(());
    };
    let Ok(checked) = validate::document(request.document, "document", &shared, limits) else {
        return Ok(());
    };
    if checked.text.len() > limits.max_document_bytes || checked.text.trim().is_empty() {
        return Err("validation let through a text it must refuse".into());
    }
    let analysis = match analysis::analyze(&checked.text, &checked.options) {
        Ok(analysis) => analysis,
        Err(error) => return Err(format!("a validated request failed to analyse: {error}")),
    };
    check_analysis(&checked.text, checked.options.features, &analysis)?;
    let response = proto::analysis_to_proto(&checked.text, &analysis, shared.offset_unit);
    check_response(&checked.text, &analysis, &response, shared.offset_unit)
}

fn check_span(text: &str, span: Span, what: &str) -> Result<(), String> {
    if span.begin > span.end || span.end > text.len() {
        return Err(format!(
            "{what} {}..{} is not inside the text of {} bytes",
            span.begin,
            span.end,
            text.len()
        ));
    }
    if !text.is_char_boundary(span.begin) || !text.is_char_boundary(span.end) {
        return Err(format!(
            "{what} {}..{} cuts a character",
            span.begin, span.end
        ));
    }
    if span.is_empty() {
        return Err(format!("{what} {}..{} is empty", span.begin, span.end));
    }
    Ok(())
}

/// The core's result: spans inside the text, on character boundaries, not empty, in document
/// order; speakers' entity indexes valid; only the features asked for; counts that add up.
pub fn check_analysis(text: &str, features: Features, analysis: &Analysis) -> Result<(), String> {
    let features = features.or_all();
    if !features.entities && !analysis.entities.is_empty() {
        return Err("entities returned though not asked for".into());
    }
    if !features.quotes && !analysis.quotes.is_empty() {
        return Err("quotes returned though not asked for".into());
    }
    for (e, entity) in analysis.entities.iter().enumerate() {
        if entity.mentions.is_empty() {
            return Err(format!("entity {e} ({:?}) has no mention", entity.name));
        }
        if !(0.0..=1.0).contains(&entity.salience) {
            return Err(format!("entity {e} has salience {}", entity.salience));
        }
        let mut previous: Option<Span> = None;
        for mention in &entity.mentions {
            check_span(text, mention.span, &format!("entity {e}'s mention"))?;
            if previous.is_some_and(|p| p.begin > mention.span.begin) {
                return Err(format!("entity {e}'s mentions are out of document order"));
            }
            previous = Some(mention.span);
        }
    }
    if analysis
        .entities
        .windows(2)
        .any(|pair| pair[0].salience < pair[1].salience)
    {
        return Err("entities are not ordered by salience".into());
    }
    let mut previous: Option<Span> = None;
    for (q, quote) in analysis.quotes.iter().enumerate() {
        check_span(text, quote.span, &format!("quote {q}"))?;
        if previous.is_some_and(|p| p.begin > quote.span.begin) {
            return Err(format!("quote {q} is out of document order"));
        }
        previous = Some(quote.span);
        if !(0.0..=1.0).contains(&quote.confidence) {
            return Err(format!("quote {q} has confidence {}", quote.confidence));
        }
        if let Some(cue) = quote.cue {
            check_span(text, cue.span, &format!("quote {q}'s cue"))?;
        }
        if let Some(speaker) = &quote.speaker {
            if let Some(span) = speaker.span {
                check_span(text, span, &format!("quote {q}'s speaker"))?;
            }
            if let Some(index) = speaker.entity_index
                && index >= analysis.entities.len()
            {
                return Err(format!(
                    "quote {q}'s speaker is entity {index} of {}",
                    analysis.entities.len()
                ));
            }
        }
    }
    let characters = text.chars().count();
    if analysis.stats.characters as usize != characters {
        return Err(format!(
            "stats count {} characters, the text has {characters}",
            analysis.stats.characters
        ));
    }
    Ok(())
}

/// The text in the units a client counts: UTF-16 code units, and the byte offset of every code
/// point (and of the end), each built once per text so that checking many spans stays linear.
struct Units<'t> {
    text: &'t str,
    utf16: Vec<u16>,
    char_starts: Vec<usize>,
}

impl<'t> Units<'t> {
    fn new(text: &'t str) -> Self {
        let mut char_starts: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
        char_starts.push(text.len());
        Self {
            text,
            utf16: text.encode_utf16().collect(),
            char_starts,
        }
    }

    /// The text `[begin, end)` in `unit` covers, or why there is none.
    fn slice(&self, span: &proto::Span, unit: OffsetUnit) -> Result<String, String> {
        let (begin, end) = (span.begin as usize, span.end as usize);
        let bad = || format!("{begin}..{end} ({unit:?}) does not slice the text");
        if begin > end {
            return Err(bad());
        }
        match unit {
            OffsetUnit::Utf8 => self.text.get(begin..end).map(str::to_owned).ok_or_else(bad),
            OffsetUnit::Utf16 => {
                let slice = self.utf16.get(begin..end).ok_or_else(bad)?;
                String::from_utf16(slice).map_err(|_| bad())
            }
            OffsetUnit::CodePoint => {
                let (Some(&from), Some(&to)) =
                    (self.char_starts.get(begin), self.char_starts.get(end))
                else {
                    return Err(bad());
                };
                Ok(self.text[from..to].to_owned())
            }
        }
    }
}

/// The response in `unit`: every converted span slices the same text as the core's byte span,
/// and the text fields are that text.
pub fn check_response(
    text: &str,
    analysis: &Analysis,
    response: &proto::AnalyzeResponse,
    unit: OffsetUnit,
) -> Result<(), String> {
    let units = Units::new(text);
    let same = |span: Option<&proto::Span>, core: Span, what: &str| -> Result<(), String> {
        let span = span.ok_or_else(|| format!("{what} has no span"))?;
        let sliced = units
            .slice(span, unit)
            .map_err(|e| format!("{what}: {e}"))?;
        if sliced != core.text(text) {
            return Err(format!(
                "{what} in {unit:?} slices {sliced:?}, in bytes {:?}",
                core.text(text)
            ));
        }
        Ok(())
    };
    if response.entities.len() != analysis.entities.len()
        || response.quotes.len() != analysis.quotes.len()
    {
        return Err("the response lost or added entities or quotes".into());
    }
    for (e, (entity, core)) in response.entities.iter().zip(&analysis.entities).enumerate() {
        for (mention, core) in entity.mentions.iter().zip(&core.mentions) {
            let what = format!("entity {e}'s mention");
            same(mention.span.as_ref(), core.span, &what)?;
            if mention.text != core.span.text(text) {
                return Err(format!("{what}'s text is not its span's"));
            }
        }
    }
    for (q, (quote, core)) in response.quotes.iter().zip(&analysis.quotes).enumerate() {
        same(quote.span.as_ref(), core.span, &format!("quote {q}"))?;
        if quote.text != core.span.text(text) {
            return Err(format!("quote {q}'s text is not its span's"));
        }
        if let (Some(cue), Some(core)) = (&quote.cue, core.cue) {
            same(cue.span.as_ref(), core.span, &format!("quote {q}'s cue"))?;
        }
        if let (Some(speaker), Some(core)) = (&quote.speaker, &core.speaker) {
            if let Some(span) = core.span {
                same(speaker.span.as_ref(), span, &format!("quote {q}'s speaker"))?;
            }
            let index = usize::try_from(speaker.entity_index).ok();
            if index != core.entity_index {
                return Err(format!("quote {q}'s speaker index changed in the response"));
            }
        }
    }
    Ok(())
}

/// Fuzz input → a text and options: the first byte chooses the features and the language hint,
/// the rest is the text (invalid UTF-8 replaced, as a client's bytes never reach the core
/// unchecked).
pub fn text_and_options(data: &[u8]) -> (String, Options) {
    const HINTS: [&str; 6] = ["", "en", "eng", "de,fr,nl", "zh", "xx"];
    let (first, rest) = data.split_first().map_or((0, data), |(f, r)| (*f, r));
    let features = Features {
        entities: first & 1 != 0,
        quotes: first & 2 != 0,
        language: first & 4 != 0,
    };
    let hint = HINTS[usize::from(first >> 3) % HINTS.len()];
    let options = Options {
        features,
        language_hint: (!hint.is_empty()).then(|| hint.to_owned()),
    };
    (String::from_utf8_lossy(rest).into_owned(), options)
}
