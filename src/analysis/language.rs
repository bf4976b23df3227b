//! Language and script identification: a first pass for English, then whatlang.
//!
//! whatlang scores a text against the trigram profile of every language of its script, a fixed
//! cost of about 0.2 ms a call whatever the text's length: more than the whole rest of the
//! analysis of a 1 KB news document. Most documents docsift reads are English news, and English
//! running text is told apart cheaply and surely by its function words ([`english_evidence`]),
//! so a text that is clearly English is answered without whatlang; any other text goes to
//! whatlang. Both read only a prefix of a long document: on news, whatlang's answers on the first
//! [`DETECTION_PREFIX_BYTES`] were those on the first 2 KB.
//!
//! The client's hint is honoured in two ways: a single code is taken as the answer (confidence
//! 1, reliable), as Google's Natural Language API does with a document's language; several
//! codes separated by commas are an allowlist the detector chooses from.

use whatlang::{Detector, Lang};

use super::{AnalysisError, Language};

/// How much of a document whatlang reads.
pub const DETECTION_PREFIX_BYTES: usize = 512;

/// How much of a document the English first pass reads.
const FIRST_PASS_PREFIX_BYTES: usize = 1024;

/// Below this confidence an answer is never called reliable, whatever whatlang says: measured on
/// short texts, whatlang's own flag alone is right less often than clients filtering on it expect.
const MIN_RELIABLE_CONFIDENCE: f64 = 0.5;

/// Detects the language of `text`, honouring the client's hint.
pub fn detect(text: &str, hint: Option<&str>) -> Result<Language, AnalysisError> {
    let hinted = parse_hint(hint)?;
    if let [only] = hinted.as_slice() {
        return Ok(describe(
            *only,
            &script_name(prefix(text, DETECTION_PREFIX_BYTES)),
            1.0,
            true,
        ));
    }
    if (hinted.is_empty() || hinted.contains(&Lang::Eng))
        && is_clearly_english(prefix(text, FIRST_PASS_PREFIX_BYTES))
    {
        return Ok(describe(Lang::Eng, "Latin", 1.0, true));
    }
    let sample = prefix(text, DETECTION_PREFIX_BYTES);
    if !sample.chars().any(char::is_alphabetic) {
        return Ok(Language::undetermined());
    }
    let detector = if hinted.is_empty() {
        Detector::new()
    } else {
        Detector::with_allowlist(hinted)
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
}

/// The first pass reads a text as English only with at least this many words, ...
const FIRST_PASS_MIN_WORDS: usize = 30;
/// ... at least this share of them English function words, ...
const FIRST_PASS_MIN_SHARE: f64 = 0.15;
/// ... and this many times as many English function words as those of the other languages
/// most often mixed with English in news. Measured on `lang-dev.jsonl`: no text of another
/// language with 20 words or more reaches a share of 0.1; on ~1 KB news documents 97% pass.
const FIRST_PASS_MIN_RATIO: usize = 3;

/// Whether `text` is English running text beyond doubt: many words, many of them English
/// function words, few of another language's.
fn is_clearly_english(text: &str) -> bool {
    let (words, english, other) = english_evidence(text);
    words >= FIRST_PASS_MIN_WORDS
        && english as f64 >= FIRST_PASS_MIN_SHARE * words as f64
        && english >= FIRST_PASS_MIN_RATIO * other
}

/// Counts the words of `text`, the English function words among them, and the function words of
/// German, French, Spanish, Italian, Portuguese, Dutch and the Scandinavian languages. Words are
/// compared as ASCII lower case without being copied.
fn english_evidence(text: &str) -> (usize, usize, usize) {
    let (mut words, mut english, mut other) = (0, 0, 0);
    let mut lower = [0u8; 8];
    for word in text.split(|c: char| !c.is_alphabetic()) {
        if word.is_empty() {
            continue;
        }
        words += 1;
        if word.len() > lower.len() || !word.is_ascii() {
            continue;
        }
        let lower = &mut lower[..word.len()];
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        if ENGLISH_FUNCTION_WORDS.contains(&&*lower) {
            english += 1;
        } else if OTHER_FUNCTION_WORDS.contains(&&*lower) {
            other += 1;
        }
    }
    (words, english, other)
}

/// Frequent English words that are rarely words of other Latin-script languages ("a", "in" and
/// "to" are left out: they are words of many).
const ENGLISH_FUNCTION_WORDS: &[&[u8]] = &[
    b"the", b"of", b"and", b"that", b"with", b"was", b"said", b"his", b"he", b"have", b"has",
    b"had", b"which", b"their", b"they", b"were", b"its", b"who", b"been", b"will", b"would",
    b"this", b"from", b"are", b"be", b"not", b"but", b"it", b"for",
];

/// Frequent function words of the languages most often mixed with English in news.
const OTHER_FUNCTION_WORDS: &[&[u8]] = &[
    // German
    b"der", b"die", b"und", b"das", b"ist", b"nicht", b"ein", b"eine", b"den", b"dem", b"des",
    b"sich", b"auf", b"mit", b"von", b"zu", // French
    b"le", b"la", b"les", b"et", b"est", b"que", b"une", b"dans", b"pour", b"pas", b"qui", b"sur",
    b"du", b"au", b"avec", // Spanish, Italian, Portuguese
    b"el", b"los", b"las", b"y", b"del", b"por", b"una", b"con", b"para", b"es", b"se", b"lo",
    b"como", b"il", b"di", b"che", b"della", b"per", b"non", b"sono", b"gli", b"un", b"os", b"as",
    b"do", b"da", b"em", b"uma", b"com", // Dutch, Scandinavian
    b"de", b"het", b"een", b"en", b"van", b"dat", b"niet", b"zijn", b"op", b"te", b"voor", b"och",
    b"att", b"det", b"som", b"er", b"til", b"av", b"med", b"ikke",
];

/// The canonical form of a hint: its languages as ISO 639-3 codes, sorted, without repeats,
/// joined by commas ("en, fr-CA, fra" → "eng,fra"); `None` for no hint. Two hints with the same
/// canonical form give the same answers, so caches key on this form.
pub fn normalize_hint(hint: &str) -> Result<Option<String>, AnalysisError> {
    let mut codes: Vec<&str> = parse_hint(Some(hint))?
        .into_iter()
        .map(|lang| lang.code())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    Ok((!codes.is_empty()).then(|| codes.join(",")))
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

/// The first `max` bytes of `text`, cut back to a char boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
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
        Cym => "cy",
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
        assert!(prefix(&text, DETECTION_PREFIX_BYTES).len() <= DETECTION_PREFIX_BYTES);
        assert!(prefix(&text, 1023).is_char_boundary(prefix(&text, 1023).len()));
    }

    const ENGLISH_NEWS: &str = "Government spokesman Phay Siphan on Thursday dared US embassy \
        officials in Phnom Penh to pack up and leave the country if they were not happy with the \
        Kingdom. Speaking during a press conference at the Council of Ministers, Siphan said that \
        regardless of diplomatic relations, Cambodia would not tolerate any interference in its \
        internal affairs.";

    #[test]
    fn english_running_text_passes_the_first_pass() {
        assert!(is_clearly_english(ENGLISH_NEWS));
        let language = detect(ENGLISH_NEWS, None).expect("no hint");
        assert_eq!((language.code.as_str(), language.reliable), ("eng", true));
        // A hint that leaves English out is obeyed, first pass or not.
        let language = detect(ENGLISH_NEWS, Some("de,fr")).expect("known");
        assert_ne!(language.code, "eng");
    }

    #[test]
    fn short_or_foreign_text_goes_to_whatlang() {
        assert!(!is_clearly_english(
            "The weather was fine and the children played."
        ));
        let german = "Die Bundesregierung hat am Donnerstag beschlossen, dass die neuen Regeln \
            für den Handel mit der Schweiz und den Niederlanden erst im kommenden Jahr gelten \
            sollen, wie ein Sprecher des Ministeriums in Berlin sagte. Das ist nicht das erste \
            Mal, dass sich die Verhandlungen verzögern.";
        assert!(!is_clearly_english(german));
        assert_eq!(detect(german, None).expect("no hint").code, "deu");
        // English quoted inside a French report is not enough to make it English.
        let french = "Le président a déclaré que la France ne cédera pas, et il a cité en anglais \
            the words of the prime minister who said that it was not the end of the talks. Les \
            négociations reprendront la semaine prochaine à Bruxelles avec les représentants de \
            la Commission et des États membres, selon le ministère.";
        assert!(!is_clearly_english(french));
    }
}
