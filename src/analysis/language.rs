//! Language and script identification with whatlang.
//!
//! whatlang costs a fixed ~0.2 ms a call plus time linear in the text, and its answer on news
//! text does not change past the first couple of kilobytes, so only a bounded prefix
//! ([`DETECTION_PREFIX_BYTES`]) of a long document is read.
//!
//! The client's hint is honoured in two ways: a single code is taken as the answer (confidence
//! 1, reliable), as Google's Natural Language API does with a document's language; several
//! codes separated by commas are an allowlist the detector chooses from.
//!
//! Welsh, which whatlang does not know, is recognised by its function words and spelling
//! ([`welsh_score`]) before whatlang is asked.

use whatlang::{Detector, Lang};

use super::{AnalysisError, Language};

/// How much of a document the detector reads.
pub const DETECTION_PREFIX_BYTES: usize = 2048;

/// Below this confidence an answer is never called reliable, whatever whatlang says: measured on
/// short texts, whatlang's own flag alone is right less often than clients filtering on it expect.
const MIN_RELIABLE_CONFIDENCE: f64 = 0.5;

/// A language this module can answer: one of whatlang's, or Welsh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    Whatlang(Lang),
    Welsh,
}

/// Detects the language of `text`, honouring the client's hint.
pub fn detect(text: &str, hint: Option<&str>) -> Result<Language, AnalysisError> {
    let hinted = parse_hint(hint)?;
    let sample = prefix(text);
    match hinted.as_slice() {
        [Known::Whatlang(only)] => return Ok(describe(*only, &script_name(sample), 1.0, true)),
        [Known::Welsh] => return Ok(welsh(1.0, true)),
        _ => {}
    }
    if !sample.chars().any(char::is_alphabetic) {
        return Ok(Language::undetermined());
    }
    if hinted.is_empty() || hinted.contains(&Known::Welsh) {
        let (score, words) = welsh_score(sample);
        if score >= WELSH_MIN_SCORE && words >= 3 {
            let reliable = score >= WELSH_RELIABLE_SCORE && words >= 6;
            return Ok(welsh((score * 2.0).min(1.0) as f32, reliable));
        }
    }
    let allowlist: Vec<Lang> = hinted
        .iter()
        .filter_map(|k| match k {
            Known::Whatlang(lang) => Some(*lang),
            Known::Welsh => None,
        })
        .collect();
    let detector = if allowlist.is_empty() {
        Detector::new()
    } else {
        Detector::with_allowlist(allowlist)
    };
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
        .chain(std::iter::once(("cym", "cy", "Welsh")))
}

/// Share of Welsh evidence at or above which a Latin-script text is taken as Welsh. Measured:
/// no text of another language in a 57-language sample reached it.
const WELSH_MIN_SCORE: f64 = 0.3;
const WELSH_RELIABLE_SCORE: f64 = 0.45;

/// Welsh function words that are rare as words of other Latin-script languages.
const WELSH_WORDS: &[&str] = &[
    "y", "yr", "yn", "yng", "ym", "mae", "roedd", "oedd", "wedi", "gyda", "sydd", "ddim", "hefyd",
    "mewn", "iawn", "rhai", "fod", "bod", "cael", "gael", "gan", "ei", "eu", "ein", "ac", "ar",
    "am", "yw", "sef", "hon", "hwn", "hyn", "hynny", "ond", "fel", "nid", "nad", "pan", "wrth",
    "drwy", "trwy", "dros", "heb", "nhw", "gyd", "rhwng", "ôl", "eraill", "arall", "prif",
    "newydd", "bu", "dyma", "gyfer", "nifer", "ganddi", "ganddo",
];

/// How Welsh a text looks, 0..: (function words + clitics ('r, 'w) + half the words with Welsh
/// spellings (dd, ll, ŵ, ŷ, rh-, gw-, cy-, wy, ae)) per word; and the number of words.
fn welsh_score(text: &str) -> (f64, usize) {
    let mut words = 0usize;
    let mut evidence = 0.0;
    for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
        let word = raw
            .trim_matches(['\'', '’'])
            .to_lowercase()
            .replace('’', "'");
        if word.is_empty() || !word.chars().any(char::is_alphabetic) {
            continue;
        }
        words += 1;
        if WELSH_WORDS.contains(&word.as_str()) || word.ends_with("'r") || word.ends_with("'w") {
            evidence += 1.0;
        }
        if ["dd", "ll", "ŵ", "ŷ", "wy", "ae"]
            .iter()
            .any(|s| word.contains(s))
            || ["rh", "gw", "cy"].iter().any(|s| word.starts_with(s))
        {
            evidence += 0.5;
        }
    }
    if words == 0 {
        (0.0, 0)
    } else {
        (evidence / words as f64, words)
    }
}

fn welsh(confidence: f32, reliable: bool) -> Language {
    Language {
        code: "cym".into(),
        bcp47: "cy".into(),
        name: "Welsh".into(),
        script: "Latin".into(),
        confidence,
        reliable,
    }
}

/// The canonical form of a hint: its languages as ISO 639-3 codes, sorted, without repeats,
/// joined by commas ("en, fr-CA, fra" → "eng,fra"); `None` for no hint. Two hints with the same
/// canonical form give the same answers, so caches key on this form.
pub fn normalize_hint(hint: &str) -> Result<Option<String>, AnalysisError> {
    let mut codes: Vec<&str> = parse_hint(Some(hint))?
        .into_iter()
        .map(|known| match known {
            Known::Whatlang(lang) => lang.code(),
            Known::Welsh => "cym",
        })
        .collect();
    codes.sort_unstable();
    codes.dedup();
    Ok((!codes.is_empty()).then(|| codes.join(",")))
}

/// Parses a hint of ISO 639-1 or 639-3 codes separated by commas; empty means no hint.
fn parse_hint(hint: Option<&str>) -> Result<Vec<Known>, AnalysisError> {
    let Some(hint) = hint.map(str::trim).filter(|h| !h.is_empty()) else {
        return Ok(Vec::new());
    };
    hint.split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(|code| {
            let code = code.to_ascii_lowercase();
            let primary = code.split(['-', '_']).next().unwrap_or(&code);
            if matches!(primary, "cy" | "cym") {
                return Ok(Known::Welsh);
            }
            Lang::from_code(primary)
                .or_else(|| Lang::all().iter().copied().find(|&l| bcp47(l) == primary))
                .map(Known::Whatlang)
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
    fn hints_have_one_canonical_form() {
        assert_eq!(
            normalize_hint(" en, fr-CA,fra ,").expect("known"),
            Some("eng,fra".to_owned())
        );
        assert_eq!(normalize_hint("CY").expect("known"), Some("cym".to_owned()));
        assert_eq!(normalize_hint(" , ").expect("empty"), None);
        assert!(normalize_hint("en,xx").is_err());
    }

    #[test]
    fn an_unknown_hint_is_an_error() {
        assert_eq!(
            detect("Hello", Some("xx")),
            Err(AnalysisError::UnknownLanguageHint("xx".into()))
        );
    }

    #[test]
    fn welsh_is_recognised_and_english_is_not_welsh() {
        let welsh = detect(
            "Roedd y tywydd yn braf ac roedd y plant yn chwarae yn yr ardd.",
            None,
        )
        .expect("no hint");
        assert_eq!((welsh.code.as_str(), welsh.bcp47.as_str()), ("cym", "cy"));
        let english = detect(
            "The weather was fine and the children played in the garden.",
            None,
        )
        .expect("no hint");
        assert_eq!(english.code, "eng");
        assert_eq!(
            detect("Hello", Some("cy")).expect("cy is known").name,
            "Welsh"
        );
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary() {
        let text = "é".repeat(5000);
        assert!(prefix(&text).len() <= DETECTION_PREFIX_BYTES);
    }
}
