//! Language and script identification with whatlang.
//!
//! whatlang costs a fixed ~0.2 ms a call plus time linear in the text, and its answer on news
//! text does not change past the first couple of kilobytes, so only a bounded prefix
//! ([`DETECTION_PREFIX_BYTES`]) of a long document is read.
//!
//! The client's hint is honoured in two ways: a single code is taken as the answer (confidence
//! 1, reliable), as Google's Natural Language API does with a document's language; several
//! codes separated by commas are an allowlist the detector chooses from.

use whatlang::{Detector, Lang};

use super::{AnalysisError, Language};

/// How much of a document the detector reads.
pub const DETECTION_PREFIX_BYTES: usize = 2048;

/// Below this confidence an answer is never called reliable, whatever whatlang says: measured on
/// short texts, whatlang's own flag alone is right less often than clients filtering on it expect.
const MIN_RELIABLE_CONFIDENCE: f64 = 0.5;

/// Detects the language of `text`, honouring the client's hint.
pub fn detect(text: &str, hint: Option<&str>) -> Result<Language, AnalysisError> {
    let hinted = parse_hint(hint)?;
    if let [only] = hinted.as_slice() {
        return Ok(describe(*only, &script_name(prefix(text)), 1.0, true));
    }
    let detector = if hinted.is_empty() {
        Detector::new()
    } else {
        Detector::with_allowlist(hinted)
    };
    let sample = prefix(text);
    if !sample.chars().any(char::is_alphabetic) {
        return Ok(Language::undetermined());
    }
    Ok(match detector.detect(sample) {
        Some(info) => describe(
            info.lang(),
            info.script().name(),
            info.confidence(),
            info.is_reliable() && info.confidence() >= MIN_RELIABLE_CONFIDENCE,
        ),
        None => {
            let mut language = Language::undetermined();
            language.script = script_name(sample);
            language
        }
    })
}

/// The languages the detector knows, as (ISO 639-3, BCP-47, English name).
pub fn supported() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    Lang::all()
        .iter()
        .map(|&lang| (lang.code(), bcp47(lang), lang.eng_name()))
}

/// Parses a hint of ISO 639-1 or 639-3 codes separated by commas; empty means no hint.
fn parse_hint(hint: Option<&str>) -> Result<Vec<Lang>, AnalysisError> {
    let Some(hint) = hint.map(str::trim).filter(|h| !h.is_empty()) else {
        return Ok(Vec::new());
    };
    hint.split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(|code| {
            let code = code.to_ascii_lowercase();
            let primary = code.split(['-', '_']).next().unwrap_or(&code);
            Lang::from_code(primary)
                .or_else(|| Lang::all().iter().copied().find(|&l| bcp47(l) == primary))
                .ok_or_else(|| AnalysisError::UnknownLanguageHint(code.clone()))
        })
        .collect()
}

fn script_name(text: &str) -> String {
    whatlang::detect_script(text)
        .map(|script| script.name().to_owned())
        .unwrap_or_default()
}

fn prefix(text: &str) -> &str {
    if text.len() <= DETECTION_PREFIX_BYTES {
        return text;
    }
    let mut end = DETECTION_PREFIX_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn describe(lang: Lang, script: &str, confidence: f64, reliable: bool) -> Language {
    Language {
        code: lang.code().to_owned(),
        bcp47: bcp47(lang).to_owned(),
        name: lang.eng_name().to_owned(),
        script: script.to_owned(),
        confidence: confidence as f32,
        reliable,
    }
}

/// The BCP-47 tag of a language: its ISO 639-1 code, or the 639-3 code where none exists.
fn bcp47(lang: Lang) -> &'static str {
    use Lang::*;
    match lang {
        Epo => "eo",
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Ben => "bn",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "nb",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Aka => "ak",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_english_news() {
        let language = detect(
            "Government spokesman Phay Siphan on Thursday dared US embassy officials to leave.",
            None,
        )
        .expect("no hint, no error");
        assert_eq!(language.code, "eng");
        assert_eq!(language.bcp47, "en");
        assert_eq!(language.name, "English");
        assert_eq!(language.script, "Latin");
        assert!(language.reliable);
    }

    #[test]
    fn no_letters_is_undetermined() {
        let language = detect("12345 !!! 3.14", None).expect("no hint, no error");
        assert_eq!(language.code, "und");
        assert!(!language.reliable);
    }

    #[test]
    fn a_single_hint_is_the_answer() {
        let language = detect("Hello there", Some("de")).expect("de is known");
        assert_eq!((language.code.as_str(), language.reliable), ("deu", true));
        let language = detect("Hello there", Some("fra")).expect("fra is known");
        assert_eq!(language.bcp47, "fr");
    }

    #[test]
    fn several_hints_are_an_allowlist() {
        let language =
            detect("Der Hund läuft schnell über die Straße", Some("en, de")).expect("both known");
        assert_eq!(language.code, "deu");
    }

    #[test]
    fn an_unknown_hint_is_an_error() {
        assert_eq!(
            detect("Hello", Some("xx")),
            Err(AnalysisError::UnknownLanguageHint("xx".into()))
        );
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary() {
        let text = "é".repeat(5000);
        assert!(prefix(&text).len() <= DETECTION_PREFIX_BYTES);
    }
}
