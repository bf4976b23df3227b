//! The result types of the analysis core. All spans are byte offsets into the analysed text.

use std::ops::Range;

/// A half-open byte range `[begin, end)` into the analysed text, always on char boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub begin: usize,
    pub end: usize,
}

impl Span {
    pub fn new(begin: usize, end: usize) -> Self {
        debug_assert!(begin <= end, "span begins after it ends");
        Self { begin, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.begin
    }

    pub fn is_empty(&self) -> bool {
        self.begin == self.end
    }

    pub fn range(&self) -> Range<usize> {
        self.begin..self.end
    }

    /// The text this span covers.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.range()]
    }

    pub fn contains(&self, other: Span) -> bool {
        self.begin <= other.begin && other.end <= self.end
    }
}

/// Which parts of the analysis a caller wants. All false means all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Features {
    pub entities: bool,
    pub quotes: bool,
    pub language: bool,
}

impl Features {
    pub const ALL: Features = Features {
        entities: true,
        quotes: true,
        language: true,
    };

    /// The features to compute: the ones named, or all when none is.
    pub fn or_all(self) -> Features {
        if self == Features::default() {
            Features::ALL
        } else {
            self
        }
    }
}

/// Options that change the result of an analysis (and so belong in a cache key).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Options {
    pub features: Features,
    /// A language hint from the client: an ISO 639-1 or 639-3 code, or several separated by
    /// commas (see [`language::detect`]).
    pub language_hint: Option<String>,
}

/// The detected language of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// ISO 639-3 code; "und" when no guess can be made.
    pub code: String,
    /// BCP-47 tag (the ISO 639-1 code where one exists); "und" when undetermined.
    pub bcp47: String,
    /// English name of the language.
    pub name: String,
    /// Name of the writing system, e.g. "Latin", "Cyrillic".
    pub script: String,
    /// 0..1, the detector's confidence.
    pub confidence: f32,
    /// Whether the guess is reliable enough to act on.
    pub reliable: bool,
}

impl Language {
    pub fn undetermined() -> Self {
        Self {
            code: "und".into(),
            bcp47: "und".into(),
            name: "Undetermined".into(),
            script: String::new(),
            confidence: 0.0,
            reliable: false,
        }
    }
}

/// The kind of thing an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityType {
    Person,
    Organization,
    Location,
    Misc,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "PERSON",
            EntityType::Organization => "ORGANIZATION",
            EntityType::Location => "LOCATION",
            EntityType::Misc => "MISC",
        }
    }
}

/// How an entity is referred to at one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MentionKind {
    /// A name: "Phay Siphan", "Siphan", "CNRP".
    Proper,
    /// A pronoun resolved to the entity by quote attribution: "he".
    Pronoun,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub span: Span,
    pub kind: MentionKind,
}

/// One thing the document names, with all of its mentions.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// Canonical name: the fullest proper mention.
    pub name: String,
    pub kind: EntityType,
    /// 0..1; the entities of an analysis are ordered by it, highest first.
    pub salience: f32,
    /// In document order.
    pub mentions: Vec<Mention>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuoteKind {
    /// A sentence or more of someone's own words.
    Direct,
    /// A phrase quoted inside reported speech: “deeply flawed”.
    Partial,
}

/// Who said a quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Speaker {
    /// The entity's canonical name, or the speaker's words when no entity matches.
    pub name: String,
    /// Index into [`Analysis::entities`].
    pub entity_index: Option<usize>,
    /// Where the speaker is named for this quote ("he", "Murphy", "the embassy").
    pub span: Option<Span>,
}

/// The speech verb phrase that attributes a quote: "said", "told reporters", "according to".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cue {
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// The quoted words, marks included.
    pub span: Span,
    pub kind: QuoteKind,
    pub speaker: Option<Speaker>,
    pub cue: Option<Cue>,
    /// 0..1, how sure the extractor is that this is a quote of the given speaker.
    pub confidence: f32,
}

/// Counts over the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    pub characters: u32,
    pub words: u32,
    pub sentences: u32,
    pub paragraphs: u32,
}

/// The result of analysing one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub language: Language,
    pub entities: Vec<Entity>,
    pub quotes: Vec<Quote>,
    pub stats: Stats,
}

impl Analysis {
    /// Whether every span lies inside `text` on character boundaries, so that slicing the text
    /// with them cannot panic. An analysis of `text` always fits; a result read back from a
    /// shared cache is checked with this before it is used.
    pub fn fits(&self, text: &str) -> bool {
        let fits = |span: Span| {
            span.begin <= span.end
                && text.is_char_boundary(span.begin)
                && text.is_char_boundary(span.end)
        };
        self.entities
            .iter()
            .flat_map(|entity| &entity.mentions)
            .all(|mention| fits(mention.span))
            && self.quotes.iter().all(|quote| {
                fits(quote.span)
                    && quote.cue.is_none_or(|cue| fits(cue.span))
                    && quote
                        .speaker
                        .as_ref()
                        .and_then(|speaker| speaker.span)
                        .is_none_or(fits)
            })
    }
}

/// Why a document could not be analysed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    #[error("the document's text is empty")]
    EmptyText,
    #[error("unknown language code {0:?}: use an ISO 639-1 or 639-3 code the detector supports")]
    UnknownLanguageHint(String),
}
