//! The closed word lists that attribution reads: speech verbs, titles, pronouns, and the words
//! that mark a name as an organisation.
//!
//! Lookups lower-case the word into a small stack buffer and `match` on it, so a lookup costs a
//! few comparisons and never allocates; quote extraction must stay far above 50 MB/s.

use crate::analysis::entities::Gender;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// Lower-cases an ASCII word of at most 24 bytes into `buf`; `None` for longer or non-ASCII
/// words, which are in none of the lists.
fn lower<'b>(word: &str, buf: &'b mut [u8; 24]) -> Option<&'b str> {
    let bytes = word.as_bytes();
    if bytes.len() > buf.len() || !word.is_ascii() {
        return None;
    }
    for (slot, b) in buf.iter_mut().zip(bytes) {
        *slot = b.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..bytes.len()]).ok()
}

/// Verbs (and verb forms) that report speech or writing: the cue of a quote.
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "saying",
    "likened",
    "chanted",
    "chanting",
    "typed",
    "call",
    "termed",
    "attacked",
    "praised",
    "hailed",
    "lauded",
    "condemned",
    "denounced",
    "decried",
    "touted",
    "asking",
    "reads",
    "read",
    "sings",
    "sang",
    "texted",
    "emailed",
    "commented",
    "commenting",
    "tweeting",
    "writing:",
    "posting",
    "told",
    "tells",
    "tell",
    "telling",
    "added",
    "adds",
    "adding",
    "stressed",
    "stresses",
    "warned",
    "warns",
    "warning",
    "asked",
    "asks",
    "wrote",
    "writes",
    "writing",
    "explained",
    "explains",
    "noted",
    "insisted",
    "insists",
    "argued",
    "argues",
    "claimed",
    "claims",
    "declared",
    "declares",
    "stated",
    "states",
    "announced",
    "announces",
    "continued",
    "continues",
    "recalled",
    "recalls",
    "tweeted",
    "tweets",
    "replied",
    "replies",
    "responded",
    "responds",
    "answered",
    "acknowledged",
    "admitted",
    "admits",
    "suggested",
    "suggests",
    "urged",
    "urges",
    "predicted",
    "complained",
    "quipped",
    "elaborated",
    "elaborates",
    "joked",
    "remarked",
    "reported",
    "reports",
    "emphasized",
    "emphasised",
    "emphasizes",
    "emphasises",
    "observed",
    "described",
    "dared",
    "accused",
    "accuses",
    "criticised",
    "criticized",
    "questioned",
    "conceded",
    "concedes",
    "asserted",
    "asserts",
    "contended",
    "mentioned",
    "testified",
    "yelled",
    "shouted",
    "promised",
    "vowed",
    "pledged",
    "boasted",
    "opined",
    "opines",
    "exhorted",
    "riffed",
    "blogged",
    "deadpanned",
    "groused",
    "griped",
    "intoned",
    "reminisced",
    "thundered",
    "bellowed",
    "whispered",
    "muttered",
    "ranted",
    "scolded",
    "retaliated",
    "conclude",
    "pressed",
    "reacted",
    "agreed",
    "agrees",
    "remembered",
    "lamented",
    "exclaimed",
    "countered",
    "retorted",
    "concluded",
    "confirmed",
    "denied",
    "maintained",
    "posted",
    "wondered",
    "called",
    "calls",
    "dubbed",
    "branded",
    "labeled",
    "labelled",
    "insisting",
    "arguing",
    "noting",
    "explaining",
    "calling",
    "describing",
    "declaring",
    "cautioned",
    "charged",
    "blasted",
    "slammed",
    "chided",
    "scoffed",
    "pleaded",
    "demanded",
    "proclaimed",
    "recounted",
    "mused",
    "sighed",
    "stressing",
    "likens",
    "likening",
    "terming",
    "attacking",
    "praises",
    "praising",
    "hails",
    "hailing",
    "lauds",
    "lauding",
    "condemns",
    "condemning",
    "denounces",
    "denouncing",
    "decries",
    "decrying",
    "touts",
    "touting",
    "acknowledge",
    "acknowledges",
    "acknowledging",
    "admit",
    "admitting",
    "suggest",
    "suggesting",
    "urge",
    "urging",
    "predicts",
    "predicting",
    "complains",
    "complaining",
    "joking",
    "quips",
    "quipping",
    "remarking",
    "reporting",
    "emphasizing",
    "emphasising",
    "observes",
    "observing",
    "describe",
    "describes",
    "accuse",
    "accusing",
    "criticizes",
    "criticises",
    "criticizing",
    "criticising",
    "questioning",
    "concede",
    "conceding",
    "assert",
    "asserting",
    "contend",
    "contends",
    "contending",
    "mention",
    "mentions",
    "mentioning",
    "testifies",
    "testifying",
    "yells",
    "yelling",
    "shouts",
    "shouting",
    "promises",
    "promising",
    "vows",
    "vowing",
    "pledges",
    "pledging",
    "boasts",
    "boasting",
    "laments",
    "lamenting",
    "exclaims",
    "exclaiming",
    "counters",
    "countering",
    "retorts",
    "concludes",
    "concluding",
    "confirms",
    "confirming",
    "denies",
    "denying",
    "maintains",
    "maintaining",
    "wonders",
    "wondering",
    "dubs",
    "dubbing",
    "branding",
    "labeling",
    "labelling",
    "cautions",
    "cautioning",
    "blasts",
    "blasting",
    "slams",
    "slamming",
    "chides",
    "chiding",
    "scoffs",
    "scoffing",
    "pleads",
    "pleading",
    "demanding",
    "proclaims",
    "proclaiming",
    "recounts",
    "recounting",
    "muses",
    "musing",
    "stating",
    "announcing",
    "recalling",
    "replying",
    "responding",
    "answers",
    "answering",
    "claiming",
    "argue",
    "insist",
    "declare",
    "explain",
    "predict",
    "complain",
    "allege",
    "alleges",
    "alleged",
    "alleging",
    "mock",
    "mocks",
    "mocked",
    "mocking",
    "cite",
    "cites",
    "cited",
    "citing",
    "blame",
    "blames",
    "blamed",
    "blaming",
    "refers",
    "referred",
    "referring",
    "quoted",
    "quoting",
    "dismissed",
    "dismissing",
    "gushed",
    "vented",
    "assured",
    "assures",
    "implied",
    "implying",
    "thanked",
    "protested",
    "spoke",
    "talked",
    "according",
    // Verbs of the manner of speaking: "“Go back,” Trump barked", "beamed Donald Hartley".
    "barked",
    "snapped",
    "growled",
    "chimed",
    "sneered",
    "screamed",
    "cried",
    "beamed",
    "fumed",
    "raged",
    "bragged",
    "marveled",
    "marvelled",
    "interjected",
    "repeated",
    "repeats",
    // The present tense of features and reviews: "“I never put these together,” he remarks."
    "jokes",
    "cries",
    "sighs",
    "implies",
    "fumes",
    "marvels",
    "interjects",
    "gushes",
    "snaps",
    "growls",
    "sneers",
    "screams",
    "dismisses",
    "barks",
    "brags",
    "rages",
    "chimes",
];

/// A hasher for the short ASCII words of the lists (FNV-1a): most tokens are looked up in the
/// speech verbs, so the lookup must cost a few nanoseconds, not a walk over every verb.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

static SPEECH_VERB_SET: LazyLock<HashSet<&'static str, BuildHasherDefault<Fnv>>> =
    LazyLock::new(|| SPEECH_VERBS.iter().copied().collect());

/// Speech verbs that are also plural nouns ("in her opening remarks", "the notes say"): not in
/// [`is_speech_verb`], for a phrase reads them as nouns; a cue only after their subject.
pub fn is_noun_too(word: &str) -> bool {
    matches!(word, "remarks" | "comments" | "notes")
}

pub fn is_speech_verb(word: &str) -> bool {
    let mut buf = [0; 24];
    lower(word, &mut buf).is_some_and(|w| SPEECH_VERB_SET.contains(w))
}

/// Words between a subject and its speech verb that do not end the subject's clause:
/// "he also said", "Murphy later told", "Banh has said", "Ed Krayewski may have said".
pub fn is_verb_filler(word: &str) -> bool {
    let mut buf = [0; 24];
    is_auxiliary(word)
        || matches!(
            lower(word, &mut buf),
            Some(
                "also"
                    | "later"
                    | "then"
                    | "has"
                    | "had"
                    | "have"
                    | "would"
                    | "will"
                    | "previously"
                    | "once"
                    | "again"
                    | "recently"
                    | "earlier"
                    | "further"
                    | "repeatedly"
                    | "publicly"
                    | "reportedly"
                    | "simply"
                    | "just"
                    | "only"
                    | "flatly"
                    | "quickly"
                    | "firmly"
                    | "bluntly"
                    | "separately"
                    | "frequently"
                    | "often"
                    | "never"
                    | "did"
                    | "does"
                    | "is"
                    | "was"
            )
        )
}

/// Words after which a name's "’s" is "has" or "is", not a possessive ("Christie’s been
/// making the case", "Trump’s not backing down").
pub fn follows_has_or_is(word: &str) -> bool {
    matches!(
        word,
        "been"
            | "not"
            | "never"
            | "got"
            | "gotten"
            | "going"
            | "already"
            | "always"
            | "still"
            | "just"
    )
}

/// Personal pronouns that can stand for a speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pronoun {
    /// he, she: a person.
    Person,
    /// it, they: an organisation (or a group).
    Group,
    /// I, we, you: the speaker of the quote itself; left unresolved.
    Speaker,
}

pub fn pronoun(word: &str) -> Option<Pronoun> {
    let mut buf = [0; 24];
    match lower(word, &mut buf)? {
        "he" | "she" => Some(Pronoun::Person),
        "it" | "they" => Some(Pronoun::Group),
        "i" | "we" | "you" => Some(Pronoun::Speaker),
        _ => None,
    }
}

/// Words that open a noun phrase: the subject's phrase ends there when read backwards.
pub fn is_determiner(word: &str) -> bool {
    let mut buf = [0; 24];
    matches!(
        lower(word, &mut buf),
        Some(
            "the"
                | "a"
                | "an"
                | "his"
                | "her"
                | "its"
                | "their"
                | "our"
                | "this"
                | "that"
                | "these"
                | "those"
                | "one"
                | "another"
                | "some"
                | "several"
                | "many"
                | "other"
                | "each"
                | "every"
        )
    )
}

/// Words that stand alone for people as a subject ("Some chanted", "Another tweeted"): the
/// text names its speakers no better, so the word is the speaker as written.
pub fn is_quantifier_pronoun(word: &str) -> bool {
    let mut buf = [0; 24];
    matches!(
        lower(word, &mut buf),
        Some("some" | "another" | "others" | "many" | "several" | "one" | "both" | "most" | "few")
    )
}

/// Lower-case words that stop a noun phrase read backwards from its verb ("that", "when").
pub fn is_clause_word(word: &str) -> bool {
    let mut buf = [0; 24];
    matches!(
        lower(word, &mut buf),
        Some(
            "that"
                | "which"
                | "who"
                | "when"
                | "while"
                | "and"
                | "but"
                | "or"
                | "because"
                | "as"
                | "if"
                | "after"
                | "before"
                | "where"
                | "whom"
                | "so"
                | "than"
                | "to"
                | "with"
                | "on"
                | "by"
                | "about"
                | "into"
                | "over"
                | "not"
                | "it"
                | "was"
                | "is"
                | "are"
                | "were"
                | "be"
                | "been"
                | "said"
                | "says"
        )
    )
}

/// Words that may join the capitalised words of one name: "Ministry of Justice",
/// "Ministry of Foreign Affairs and International Cooperation".
pub fn is_name_connector(word: &str) -> bool {
    matches!(
        word,
        "of" | "and" | "for" | "de" | "la" | "van" | "von" | "bin" | "al" | "in" | "the" | "&"
    )
}

/// Modal and auxiliary verbs, in lower case only ("Theresa May said" is no modal): "Ed
/// Krayewski may have said", "a reporter can be heard asking".
fn is_auxiliary(word: &str) -> bool {
    matches!(
        word,
        "may"
            | "might"
            | "can"
            | "could"
            | "should"
            | "must"
            | "shall"
            | "cannot"
            | "did"
            | "does"
            | "do"
            | "is"
            | "was"
            | "are"
            | "were"
    )
}

/// Nouns for what an organisation publishes, which speak for it: "the IMF report stated".
pub fn is_document_noun(word: &str) -> bool {
    matches!(
        word,
        "report"
            | "statement"
            | "release"
            | "letter"
            | "study"
            | "memo"
            | "filing"
            | "survey"
            | "analysis"
            | "document"
            | "website"
            | "tweet"
            | "post"
            | "editorial"
            | "ad"
            | "response"
            | "email"
            | "message"
            | "speech"
            | "caption"
            | "video"
            | "advertisement"
            | "commercial"
            | "mailer"
            | "flyer"
            | "petition"
            | "lawsuit"
            | "complaint"
            | "ruling"
            | "transcript"
            | "article"
            | "column"
            | "book"
            | "op-ed"
            | "newsletter"
    )
}

/// Common verbs after a subject that no noun is spelt like: "The email goes on to say", "A
/// footnote in the report makes that clear".
pub fn is_plain_verb(word: &str) -> bool {
    matches!(
        word,
        "goes"
            | "went"
            | "makes"
            | "made"
            | "takes"
            | "took"
            | "gets"
            | "got"
            | "comes"
            | "came"
            | "gives"
            | "gave"
            | "keeps"
            | "kept"
            | "begins"
            | "began"
            | "continues"
            | "seems"
            | "seemed"
            | "appears"
            | "brings"
            | "brought"
            | "sent"
            | "held"
            | "met"
            | "led"
            | "won"
            | "lost"
            | "paid"
            | "spent"
            | "built"
            | "bought"
            | "caught"
            | "fought"
            | "stood"
            | "struck"
    )
}

/// Nouns in "-ly", which are no adverbs: "said Clinton ally James Carville".
pub fn is_noun_in_ly(word: &str) -> bool {
    matches!(
        word,
        "ally"
            | "family"
            | "assembly"
            | "rally"
            | "supply"
            | "reply"
            | "monopoly"
            | "anomaly"
            | "bully"
            | "folly"
    )
}

/// Capitalised words that are titles or roles, not part of a person's name.
pub fn is_title(word: &str) -> bool {
    let mut buf = [0; 24];
    matches!(
        lower(word, &mut buf),
        Some(
            "mr" | "mr."
                | "mrs"
                | "mrs."
                | "ms"
                | "ms."
                | "dr"
                | "dr."
                | "sen"
                | "sen."
                | "senator"
                | "rep"
                | "rep."
                | "representative"
                | "del."
                | "delegate"
                | "amb."
                | "atty."
                | "gov"
                | "gov."
                | "governor"
                | "president"
                | "pres."
                | "secretary"
                | "sec."
                | "gen"
                | "gen."
                | "general"
                | "judge"
                | "justice"
                | "prof"
                | "prof."
                | "professor"
                | "rev"
                | "rev."
                | "sir"
                | "dame"
                | "lord"
                | "lady"
                | "mayor"
                | "chairman"
                | "chairwoman"
                | "chair"
                | "ambassador"
                | "former"
                | "vice"
                | "deputy"
                | "assistant"
                | "prime"
                | "minister"
                | "spokesman"
                | "spokeswoman"
                | "spokesperson"
                | "director"
                | "director-general"
                | "chief"
                | "commander"
                | "officer"
                | "leader"
                | "speaker"
                | "pope"
                | "king"
                | "queen"
                | "prince"
                | "princess"
                | "candidate"
                | "nominee"
                | "lt"
                | "lt."
                | "col"
                | "col."
                | "capt"
                | "capt."
                | "sgt"
                | "sgt."
                | "adm"
                | "adm."
                | "atty"
                | "attorney"
                | "supt"
                | "rabbi"
                | "father"
                | "sheikh"
                | "republican"
                | "democrat"
                | "democratic"
                | "presidential"
                | "the"
                | "a"
                | "an"
                | "u.s."
                | "us"
                | "house"
                | "senate"
                | "majority"
                | "minority"
                | "whip"
                | "councilman"
                | "councilwoman"
                | "congressman"
                | "congresswoman"
                | "sheriff"
                | "host"
                | "anchor"
                | "correspondent"
                | "editor"
                | "columnist"
                | "analyst"
                | "founder"
                | "ceo"
                | "economist"
                | "pollster"
                | "strategist"
                | "adviser"
                | "advisor"
                | "aide"
                | "manager"
                | "counsel"
                | "official"
                | "lawmaker"
                | "premier"
                | "chancellor"
                | "first"
                | "gop"
                | "state"
                | "acting"
                | "interim"
                | "executive"
                | "campaign"
                | "then-candidate"
                | "then-president"
                | "breaking"
                | "news"
        )
    )
}

/// Capitalised words that make a name an organisation's (or a place's) rather than a person's.
pub fn is_org_word(word: &str) -> bool {
    let mut buf = [0; 24];
    matches!(
        lower(word, &mut buf),
        Some(
            "ministry"
                | "embassy"
                | "department"
                | "party"
                | "council"
                | "committee"
                | "court"
                | "government"
                | "agency"
                | "office"
                | "commission"
                | "union"
                | "institute"
                | "university"
                | "news"
                | "times"
                | "post"
                | "campaign"
                | "house"
                | "senate"
                | "congress"
                | "administration"
                | "bureau"
                | "association"
                | "foundation"
                | "company"
                | "corp"
                | "corp."
                | "inc"
                | "inc."
                | "group"
                | "network"
                | "press"
                | "journal"
                | "service"
                | "forces"
                | "army"
                | "police"
                | "bank"
                | "fund"
                | "states"
                | "united"
                | "kingdom"
                | "republic"
                | "nations"
                | "defence"
                | "defense"
                | "affairs"
                | "justice"
                | "national"
                | "interior"
                | "foreign"
                | "finance"
                | "health"
                | "security"
                | "commerce"
                | "education"
                | "treasury"
                | "labor"
                | "energy"
                | "agriculture"
                | "homeland"
                | "center"
                | "centre"
                | "organization"
                | "organisation"
                | "authority"
                | "board"
                | "cabinet"
                | "assembly"
                | "parliament"
                | "club"
                | "network's"
                | "channel"
                | "tv"
                | "radio"
                | "magazine"
                | "daily"
                | "tribune"
                | "herald"
                | "gazette"
                | "review"
                | "reuters"
                | "cnn"
                | "fbi"
                | "cia"
                | "nbc"
                | "abc"
                | "cbs"
                | "msnbc"
                | "npr"
                | "politifact"
                | "watch"
                | "project"
                | "coalition"
                | "alliance"
                | "movement"
                | "church"
                | "school"
                | "college"
                | "hospital"
                | "airlines"
                | "motors"
                | "media"
                | "post's"
                | "ap"
                | "afp"
                | "bbc"
                | "white"
                | "pentagon"
                | "kremlin"
                | "facebook"
                | "twitter"
                | "google"
        )
    )
}

/// Lower-case nouns that head a phrase naming an organisation: "the ministry", "the embassy".
pub fn is_org_head(word: &str) -> bool {
    let mut buf = [0; 24];
    matches!(
        lower(word, &mut buf),
        Some(
            "ministry"
                | "embassy"
                | "department"
                | "party"
                | "council"
                | "committee"
                | "court"
                | "agency"
                | "commission"
                | "institute"
                | "university"
                | "bureau"
                | "association"
                | "foundation"
                | "company"
                | "newspaper"
                | "network"
                | "organization"
                | "organisation"
                | "board"
                | "union"
                | "firm"
                | "team"
                | "club"
                | "league"
                | "bank"
                | "airline"
                | "railway"
                | "hospital"
        )
    )
}

/// Capitalised words that open a sentence without being its subject: "In a statement, ...":
/// the opening adverbs, and the prepositions and conjunctions whose phrase runs to a comma.
pub fn is_intro_word(word: &str) -> bool {
    let mut buf = [0; 24];
    is_opening_adverb(word)
        || matches!(
            lower(word, &mut buf),
            Some(
                "in" | "on"
                    | "at"
                    | "after"
                    | "before"
                    | "speaking"
                    | "during"
                    | "since"
                    | "while"
                    | "when"
                    | "as"
                    | "asked"
                    | "according"
                    | "for"
                    | "with"
                    | "under"
                    | "despite"
                    | "although"
                    | "though"
                    | "last"
                    | "this"
                    | "by"
                    | "from"
                    | "if"
                    | "once"
                    | "until"
                    | "amid"
                    | "following"
                    | "besides"
                    | "unlike"
                    | "like"
                    | "among"
                    | "against"
                    | "without"
                    | "within"
                    | "through"
                    | "throughout"
                    | "across"
                    | "toward"
                    | "towards"
                    | "upon"
                    | "beyond"
                    | "behind"
                    | "outside"
                    | "inside"
                    | "near"
                    | "around"
                    | "over"
                    | "between"
                    | "alongside"
                    | "except"
                    | "including"
                    | "regarding"
            )
        )
}

/// Opening words that stand alone before a sentence's subject, with or without a comma ("Yet
/// Foster …", "Still, Foster …"), unlike an opening preposition, whose phrase runs to a comma.
pub fn is_opening_adverb(word: &str) -> bool {
    let mut buf = [0; 24];
    matches!(
        lower(word, &mut buf),
        Some(
            "yet"
                | "but"
                | "and"
                | "so"
                | "still"
                | "now"
                | "then"
                | "also"
                | "however"
                | "meanwhile"
                | "indeed"
                | "even"
                | "instead"
                | "later"
                | "earlier"
                | "again"
                | "separately"
                | "today"
                | "yesterday"
                | "moreover"
                | "furthermore"
                | "thus"
                | "therefore"
                | "nevertheless"
                | "nonetheless"
                | "finally"
                | "overall"
                | "ultimately"
                | "recently"
                | "previously"
                | "otherwise"
                | "additionally"
                | "likewise"
                | "similarly"
        )
    )
}

/// Whether a word that usually ends a phrase goes on with the word before it: "close to",
/// "known as", "aide to", "adviser to", "familiar with".
pub fn joins_its_phrase(before: &str, word: &str) -> bool {
    match word {
        "to" => matches!(
            before,
            "close"
                | "closest"
                | "aide"
                | "aides"
                | "adviser"
                | "advisers"
                | "advisor"
                | "advisors"
        ),
        "as" => before == "known",
        // The anonymous source's idioms: "a person familiar with the talks", "one Republican
        // involved in the planning", "officials briefed on the plan".
        "with" => before == "familiar",
        "in" => before == "involved",
        "on" => before == "briefed",
        "about" => before == "knowledgeable",
        _ => false,
    }
}

/// The forms of "tell", whose object is whom the speaker spoke to.
pub fn is_tell_verb(word: &str) -> bool {
    matches!(word, "tell" | "tells" | "told" | "telling")
}

/// A stretch of time a speech verb may be dated by: "this week", "last month".
pub fn is_period(word: &str) -> bool {
    matches!(
        word,
        "week" | "weekend" | "month" | "year" | "morning" | "afternoon" | "evening" | "night"
    )
}

/// Words that open sentences but never name anyone: "But", "Why", "First", "Wait".
pub fn is_function_word(word: &str) -> bool {
    let mut buf = [0; 24];
    is_clause_word(word)
        || is_determiner(word)
        || is_intro_word(word)
        || pronoun(word).is_some()
        || matches!(
            lower(word, &mut buf),
            Some(
                "first"
                    | "why"
                    | "even"
                    | "wait"
                    | "here"
                    | "there"
                    | "well"
                    | "yes"
                    | "no"
                    | "what"
                    | "how"
                    | "please"
                    | "today"
                    | "yesterday"
                    | "tomorrow"
                    | "again"
                    | "maybe"
                    | "perhaps"
                    | "indeed"
                    | "sometimes"
                    | "hours"
                    | "minutes"
                    | "days"
            )
        )
}

/// The sex a word before a name gives its bearer: a title ("Mrs. Clinton"), a kinship word
/// ("her father Khaled") or a role named for women ("spokeswoman Jane Doe"; "spokesman" and
/// "chairman" are said of women too). Not "King", "Prince" or "Lord": surnames too.
pub fn gender_before_name(word: &str) -> Option<Gender> {
    let mut buf = [0; 24];
    match lower(word, &mut buf)? {
        "mr" | "mr." | "father" | "son" | "brother" | "husband" | "uncle" | "grandfather"
        | "grandson" | "nephew" | "boyfriend" | "stepfather" | "dad" | "widower" => {
            Some(Gender::Male)
        }
        "mrs" | "mrs." | "ms" | "ms." | "miss" | "mother" | "daughter" | "sister" | "wife"
        | "aunt" | "grandmother" | "granddaughter" | "niece" | "girlfriend" | "stepmother"
        | "mom" | "mum" | "widow" | "spokeswoman" | "chairwoman" | "businesswoman"
        | "congresswoman" | "councilwoman" | "alderwoman" | "assemblywoman" | "actress" => {
            Some(Gender::Female)
        }
        _ => None,
    }
}
