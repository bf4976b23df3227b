//! Who said a quote: the speech verb (the cue) and its subject, read around the quote the ways
//! news writes them, then resolved to a name the document gives.
//!
//! The document is read once, in order, keeping who was last named as a person, as a group,
//! and as a speaker: a pronoun ("he said") is the person last named as a speaker or as the
//! subject of a sentence (not the last name seen, which is often the object: "Tea Banh ...
//! demanding Kem Sokha's release ... he said"), and a quote paragraph with no attribution
//! continues the last speaker. Every lookup reads a bounded window of tokens next to a quote,
//! so attribution is linear in the document.

use std::collections::HashMap;
use std::ops::Range;

use super::lexicon::{self, Pronoun};
use super::marks::Marked;
use super::names::{self, NameKind, is_capitalised, is_word, span_of};
use crate::analysis::entities::{Gender, gender_of, is_weekday};
use crate::analysis::text::Document;
use crate::analysis::{Entity, EntityType, Span};

/// How many people named earlier a pronoun may refer to.
const MAX_PEOPLE: usize = 16;
/// The longest subject phrase read, in tokens.
const MAX_PHRASE: usize = 12;
/// How far after a quote's subject its speech verb may be: "Sok Eysan, a spokesman for the
/// ruling party, said".
const MAX_VERB_DISTANCE: usize = 24;
/// The most tokens inside a parenthesis passed over between a name and its verb.
const MAX_PARENTHESIS: usize = 8;
/// The most tokens of an opening phrase that no opening word announces ("Hours later,").
const MAX_OPENING: usize = 6;
/// The most words of a line that signs the quote above it ("- Jane Doe, a nurse in Ohio.").
const MAX_SIGNATURE: usize = 10;

/// A speaker as the document names it, resolved as far as the text allows.
#[derive(Debug, Clone, PartialEq)]
pub struct Who {
    /// The canonical name: the full name, the organisation's name, or the description.
    pub name: String,
    /// Where this quote names the speaker ("he", "Murphy"); `None` when continued.
    pub span: Option<Span>,
    pub entity: Option<usize>,
    /// Whether the speaker is a person, so that "he" and "she" may refer to it.
    pub person: bool,
    /// Whether the speaker is an organisation, so that "it" may refer to it.
    pub group: bool,
    /// Whether `span` is a pronoun (its mention is added to the entity).
    pub pronoun: bool,
}

/// How a quote was attributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A speech verb next to the quote, before or after it.
    Cue,
    /// No cue: the speaker of an earlier quote continues.
    Continued,
    /// No speaker.
    None,
}

/// The attribution of one quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    pub speaker: Option<Who>,
    pub cue: Option<Span>,
    pub source: Source,
}

/// A phrase that names someone.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Phrase {
    Pronoun(usize, Pronoun),
    Name(Range<usize>),
    Description(Range<usize>),
}

/// Reads a document's quotes in order and attributes each.
pub struct Attributor<'a, 't> {
    doc: &'a Document<'t>,
    entities: &'a [Entity],
    /// Every proper mention, ordered by begin: (span, entity index).
    mentions: Vec<(Span, usize)>,
    /// The sex the text gives each entity by the words before its names, by entity index.
    genders: Vec<Option<Gender>>,
    /// The people last named as subjects or speakers, the latest last.
    people: Vec<Who>,
    last_group: Option<Who>,
    last_speaker: Option<Who>,
    /// The mentions of people named in two words or more, by their first and by their last
    /// word, in text order.
    full_names: HashMap<&'t str, Vec<(Span, usize)>>,
    /// The person last named as a sentence's subject, and where that sentence begins.
    last_subject: Option<(Who, usize)>,
    /// The documents someone was said to speak in ("said in a statement", "stated in the
    /// company’s blog post"), by their noun, with who spoke there; the latest last.
    documents: Vec<(&'t str, Who)>,
}

impl<'a, 't> Attributor<'a, 't> {
    pub fn new(doc: &'a Document<'t>, entities: &'a [Entity]) -> Self {
        let mut mentions: Vec<(Span, usize)> = entities
            .iter()
            .enumerate()
            .flat_map(|(i, e)| e.mentions.iter().map(move |m| (m.span, i)))
            .collect();
        mentions.sort_unstable_by_key(|&(span, _)| (span.begin, span.end));
        let genders = genders_in_text(doc, entities);
        let mut full_names: HashMap<&'t str, Vec<(Span, usize)>> = HashMap::new();
        for &(span, e) in &mentions {
            let (first, end) = (token_at(doc, span.begin), token_at(doc, span.end));
            if entities[e].kind == EntityType::Person && end > first + 1 {
                for word in [first, end - 1] {
                    full_names
                        .entry(doc.token_text(word))
                        .or_default()
                        .push((span, e));
                }
            }
        }
        Self {
            doc,
            entities,
            mentions,
            genders,
            full_names,
            people: Vec::new(),
            last_group: None,
            last_speaker: None,
            last_subject: None,
            documents: Vec::new(),
        }
    }

    /// Attributes every quote, reading the sentences between them for their subjects.
    pub fn run(&mut self, quotes: &[Marked], partial: &[bool]) -> Vec<Attribution> {
        let doc = self.doc;
        let mut out: Vec<Attribution> = Vec::with_capacity(quotes.len());
        let mut sentence = 0;
        for (index, quote) in quotes.iter().enumerate() {
            // First the subjects of the sentences that begin before this quote.
            while sentence < doc.sentences.len()
                && doc.sentences[sentence].span.begin < quote.span.begin
            {
                self.read_subject(sentence, quotes);
                sentence += 1;
            }
            let previous = index
                .checked_sub(1)
                .filter(|&p| quotes[p].last_paragraph == quote.first_paragraph)
                .map(|p| (quotes[p], &out[p]));
            let next = quotes
                .get(index + 1)
                .filter(|n| n.first_paragraph == quote.last_paragraph)
                .copied();
            let attribution = self.attribute(quote, partial[index], previous, next);
            if let (Some(who), Some(cue)) = (&attribution.speaker, attribution.cue) {
                self.note_document(self.token_at(cue.end), doc.tokens.len(), who);
            }
            if let Some(who) = &attribution.speaker {
                self.remember(who.clone());
                // A quote that continues gives the floor to whoever it continues: the person
                // the paragraph introduced keeps it for the paragraphs after.
                let cued = attribution.source == Source::Cue
                    && (who.person || who.group || !partial[index]);
                if cued || attribution.source == Source::Continued {
                    self.set_speaker(who);
                }
            }
            out.push(attribution);
            // Sentences that begin inside this quote have no subject of their own.
            while sentence < doc.sentences.len()
                && doc.sentences[sentence].span.begin < quote.span.end
            {
                sentence += 1;
            }
        }
        out
    }

    fn word(&self, i: usize) -> &'t str {
        self.doc.token_text(i)
    }

    /// The first token that begins at or after `offset`.
    fn token_at(&self, offset: usize) -> usize {
        token_at(self.doc, offset)
    }

    /// Whether a verb may follow token `i` as its subject's end: a personal or relative
    /// pronoun, an appositive's comma, or a capitalised word inside a sentence ("he remarks",
    /// "the report, which notes", "Foster notes"; not "Trump's remarks", "her opening remarks"
    /// or "Harsh comments are …" opening a sentence).
    fn is_subject_end(&self, i: usize) -> bool {
        let w = self.word(i);
        let opens_sentence = self
            .doc
            .sentences
            .binary_search_by_key(&i, |s| s.tokens.start)
            .is_ok();
        let inside = i > 0 && !self.is_stop(i - 1) && !opens_sentence;
        matches!(lexicon::pronoun(w), Some(Pronoun::Person | Pronoun::Group))
            || matches!(w, "who" | "which" | "that" | ",")
            || inside && is_capitalised(w) && !lexicon::is_determiner(w)
    }

    /// Whether token `i` ends a sentence: a full stop before a capitalised word, a mark or the
    /// end, not one inside "(D-Wis.)".
    fn is_stop(&self, i: usize) -> bool {
        match self.word(i) {
            "!" | "?" | ";" => true,
            "." => self.doc.tokens.get(i + 1).is_none_or(|_| {
                let next = self.word(i + 1);
                is_capitalised(next) || next.starts_with(super::is_mark)
            }),
            _ => false,
        }
    }

    /// A hyphen or en dash that holds a compound open for the word after "to", "or" or "and":
    /// "the 11– to 12-year-old players", "first- and second-graders". It and the word after it
    /// are part of the phrase.
    fn is_suspended_hyphen(&self, i: usize) -> bool {
        let tokens = &self.doc.tokens;
        let word = self.word(i);
        // "11–" as two tokens, "first-" as one.
        let alone = matches!(word, "-" | "–")
            && i > 0
            && tokens[i - 1].span.end == tokens[i].span.begin
            && is_word(self.word(i - 1));
        let attached = is_word(word) && word.len() > 1 && word.ends_with(['-', '–']);
        (alone || attached)
            && i + 1 < tokens.len()
            && tokens[i].span.end < tokens[i + 1].span.begin
            && matches!(self.word(i + 1), "to" | "or" | "and")
    }

    /// A verb that speaks only with its particle: "as Dana Milbank puts it", "as The Hill
    /// pointed out", "Sanders shot back".
    fn is_phrasal_speech_verb(&self, i: usize) -> bool {
        let next = self.doc.tokens.get(i + 1).map(|_| self.word(i + 1));
        match self.word(i) {
            // "As John Cornyn, the No. 2 in the GOP leadership, put it:": "as" opens the
            // clause, in the same sentence.
            "put" | "puts" => {
                next == Some("it")
                    && (i.saturating_sub(20)..i)
                        .rev()
                        .take_while(|&j| !self.is_stop(j))
                        .any(|j| self.word(j).eq_ignore_ascii_case("as"))
            }
            "pointed" | "points" => next == Some("out"),
            "shot" | "shoots" | "fired" | "fires" => next == Some("back"),
            _ => false,
        }
    }

    fn is_speech_verb(&self, i: usize) -> bool {
        let w = self.word(i);
        (!is_capitalised(w) || w == "According")
            && (lexicon::is_speech_verb(w)
                || lexicon::is_noun_too(w) && i > 0 && self.is_subject_end(i - 1)
                || self.is_phrasal_speech_verb(i))
            && (w != "according"
                || self.doc.tokens.get(i + 1).is_some() && self.word(i + 1) == "to")
    }

    fn attribute(
        &mut self,
        quote: &Marked,
        partial: bool,
        previous: Option<(Marked, &Attribution)>,
        next: Option<Marked>,
    ) -> Attribution {
        let doc = self.doc;
        let (first, last) = (quote.first_span, quote.last_span);

        // The words before the quote, back to its sentence's start or the previous quote.
        let hi = self.token_at(quote.span.begin);
        let mut lo = self.token_at(first.begin);
        if let Some((p, _)) = previous {
            lo = lo.max(self.token_at(p.span.end));
        }
        if let Some(stop) = (lo..hi).rev().find(|&i| self.is_stop(i)) {
            lo = stop + 1;
        }
        // "He told his Democratic audience, to rowdy applause:\n\n“…”": a paragraph that ends
        // with a colon announces the quote that opens the next one.
        if lo == hi && hi > 0 && self.word(hi - 1) == ":" && !partial {
            let floor = previous.map_or(0, |(p, _)| self.token_at(p.span.end));
            lo = (floor..hi - 1)
                .rev()
                .find(|&i| self.is_stop(i))
                .map_or(floor, |stop| stop + 1);
        }
        let before = lo..hi;

        // The words after it, up to its sentence's end or the next quote.
        let lo = self.token_at(quote.span.end).max(hi);
        let mut hi = self.token_at(last.end);
        if let Some(n) = next {
            hi = hi.min(self.token_at(n.span.begin));
        }
        if let Some(stop) = (lo..hi).find(|&i| self.is_stop(i)) {
            hi = stop;
        }
        let after = lo..hi;

        let ends_sentence = {
            let inner = doc.slice(quote.span).trim_end_matches(|c: char| {
                c.is_whitespace() || super::is_mark(c) || matches!(c, '’' | '\'')
            });
            inner.ends_with(['.', '…']) && !inner.ends_with(". . .")
        };

        let from_before = self.before(before.clone(), quote.span.begin);
        let from_after = if ends_sentence && after.len() > 8 {
            None
        } else {
            self.after(after.clone(), quote.span.end)
        };
        // "… but Moscow strongly denies — “…?” asked Dunn": a dash before the quote closes an
        // aside, and the attribution after the quote is its own.
        let dashed =
            before.end > before.start && matches!(self.word(before.end - 1), "—" | "–" | "--");
        let directly_before = from_before.as_ref().is_some_and(|(_, _, direct)| *direct);
        let chosen = if !dashed && (partial || directly_before) {
            from_before.map(|(who, cue, _)| (who, cue)).or(from_after)
        } else {
            from_after.or(from_before.map(|(who, cue, _)| (who, cue)))
        };
        if let Some((speaker, cue)) = chosen {
            let speaker = speaker.or_else(|| {
                previous
                    .and_then(|(_, earlier)| earlier.speaker.clone())
                    .map(|who| Who {
                        span: None,
                        pronoun: false,
                        ..who
                    })
            });
            return Attribution {
                speaker,
                cue: Some(cue),
                source: Source::Cue,
            };
        }
        if partial {
            // "… said it was “not a good thing” and “something to solve quickly”": a phrase
            // quoted later in the sentence of an attributed quote has its speaker and cue.
            if let Some((p, earlier)) = previous
                && earlier.source == Source::Cue
                && !ends_with_stop(doc.slice(p.span))
                && !(self.token_at(p.span.end)..before.end).any(|i| self.is_stop(i))
            {
                return Attribution {
                    speaker: earlier.speaker.clone().map(|who| Who {
                        span: None,
                        pronoun: false,
                        ..who
                    }),
                    cue: earlier.cue,
                    source: Source::Cue,
                };
            }
            // "… signals “the beginning of the end” for the EU, said Geert Wilders.": the
            // attribution that closes the sentence.
            if let Some(comma) = after.clone().rev().find(|&i| self.word(i) == ",")
                && let Some((Some(who), cue)) = self.after(comma + 1..after.end, quote.span.end)
            {
                return Attribution {
                    speaker: Some(who),
                    cue: Some(cue),
                    source: Source::Cue,
                };
            }
            if let Some(labelled) = self.labelled(quote) {
                return labelled;
            }
            return Attribution {
                speaker: None,
                cue: None,
                source: Source::None,
            };
        }
        // "Ellis: “…”", "Obama is rolling out a new message: “…”".
        // "Trump issued a statement, “…”": a document before the comma is its writer's words.
        let announced = before.end > before.start
            && (self.word(before.end - 1) == ":"
                || before.end > before.start + 1
                    && self.word(before.end - 1) == ","
                    && lexicon::is_document_noun(self.word(before.end - 2)));
        if announced {
            let mark = before.end - 1;
            let near = self
                .backward_core(before.start, mark)
                .filter(|p| !matches!(p, Phrase::Description(_)));
            // "McConnell delivered a blunt message to Trump: “…”": a name after "to" or
            // "with" is whom the words went to; the clause's subject said them.
            let addressee = near.as_ref().is_some_and(|p| match p {
                Phrase::Name(run) => self.follows_addressee_preposition(before.start, run.start),
                _ => false,
            });
            let phrase = if addressee {
                self.clause_subject(before.start, mark)
                    .filter(|p| !matches!(p, Phrase::Description(_)))
                    .or(near)
            } else {
                near.or_else(|| self.clause_subject(before.start, mark))
            };
            if let Some(who) = phrase.and_then(|p| self.resolve(&p, quote.span.begin)) {
                return Attribution {
                    speaker: Some(who),
                    cue: None,
                    source: Source::Cue,
                };
            }
        }
        if let Some(who) = self.signed(quote) {
            return Attribution {
                speaker: Some(who),
                cue: None,
                source: Source::Cue,
            };
        }
        // No cue: a person the paragraph names as a subject since its last quote takes the
        // floor ("… says House. “…” Durning did not need much coaxing. “I’m thankful …”"),
        // else an earlier quote of the paragraph, else the last speaker, continues.
        let since = previous.map_or(first.begin, |(p, _)| p.span.end);
        let introduced = self
            .last_subject
            .as_ref()
            .filter(|(_, at)| (since..quote.span.begin).contains(at))
            .map(|(who, _)| who.clone());
        let continued = match previous {
            _ if introduced.is_some() => introduced,
            Some((_, earlier)) if earlier.speaker.is_some() => earlier.speaker.clone(),
            _ if before.is_empty() && self.last_speaker.is_some() => self.last_speaker.clone(),
            // "Trevor Nicholson, a senior policy analyst, outlined how the policy works.\n\n“…”":
            // before anyone has spoken, the person the text last named as a subject.
            _ if before.is_empty() => self.last_subject.as_ref().map(|(who, _)| who.clone()),
            _ => None,
        };
        match continued {
            Some(who) => Attribution {
                speaker: Some(Who {
                    span: None,
                    pronoun: false,
                    ..who
                }),
                cue: None,
                source: Source::Continued,
            },
            None => self.labelled(quote).unwrap_or(Attribution {
                speaker: None,
                cue: None,
                source: Source::None,
            }),
        }
    }

    /// A quote that closes its paragraph, signed on the line below with a dash and a person's
    /// name ("- Sanders.", "—President Obama, tweeting after the speech."): that person said
    /// it.
    fn signed(&self, quote: &Marked) -> Option<Who> {
        let doc = self.doc;
        let end = quote.span.end;
        let at = doc.paragraphs.partition_point(|p| p.span.end < end);
        let rest = Span {
            begin: end,
            end: doc.paragraphs.get(at)?.span.end,
        };
        if doc.slice(rest).chars().any(char::is_alphanumeric) {
            return None;
        }
        let line = doc.paragraphs.get(at + 1)?.span;
        let text = doc.slice(line);
        let signature = text
            .trim_start()
            .strip_prefix(['-', '–', '—'])?
            .trim_start();
        if !signature.starts_with(char::is_uppercase)
            || signature.split_whitespace().nth(MAX_SIGNATURE).is_some()
        {
            return None;
        }
        let lo = self.token_at(line.end - signature.len());
        let hi = self.token_at(line.end);
        let phrase = self
            .forward(lo, hi)
            .filter(|p| matches!(p, Phrase::Name(_)))?;
        self.resolve(&phrase, quote.span.begin)
            .filter(|who| who.person)
    }

    /// A quote in a line that opens with its speaker ("Graham: Trump’s ‘Incredibly Hateful
    /// Rhetoric’ …"): the label's name said it.
    fn labelled(&self, quote: &Marked) -> Option<Attribution> {
        let first = quote.first_span;
        let label = super::speaker_label(self.doc.slice(first))?;
        let start = self.token_at(first.begin);
        let colon = self.token_at(first.begin + label.len());
        let phrase = self
            .backward_core(start, colon)
            .filter(|p| !matches!(p, Phrase::Description(_)))?;
        let who = self.resolve(&phrase, quote.span.begin)?;
        Some(Attribution {
            speaker: Some(who),
            cue: None,
            source: Source::Cue,
        })
    }

    /// `X said: “…”`, `X said it was “…”`, `according to X, “…”`. The flag says whether the
    /// verb introduces the quote directly (only punctuation between them).
    fn before(&self, window: Range<usize>, at: usize) -> Option<(Option<Who>, Span, bool)> {
        let verb = window.clone().rev().find(|&i| self.is_speech_verb(i))?;
        let (cue, rest) = self.cue(verb, window.end);
        let direct = (rest..window.end).all(|i| !is_word(self.word(i)));
        // "Lazar said he welcomed extradition and added, “…”": a verb after "and" has the
        // subject of the speech verb before it, when that names someone.
        if let Some(earlier) = self.coordinated_with(window.start, verb)
            && let Some((Some(who), _, _)) = self.before(window.start..earlier + 1, at)
            && (who.person || who.entity.is_some())
        {
            return Some((Some(who), cue, direct));
        }
        let phrase = if self.word(verb).eq_ignore_ascii_case("according") {
            self.forward(verb + 2, window.end)
        } else if self.word(verb).ends_with("ing") {
            self.participle_subject(window.start, verb)
        } else {
            let backward = self.backward(window.start, verb);
            let resolved = backward.as_ref().and_then(|p| self.resolve(p, at));
            // "Steve Huhn, a former HP executive, said Fiorina …": a person before the verb
            // is its subject, whatever follows it.
            if resolved.as_ref().is_some_and(|who| who.person) {
                return Some((resolved, cue, direct));
            }
            self.inverted_subject(verb, window.end)
                .or(backward)
                .or_else(|| {
                    self.forward(verb + 1, window.end)
                        .filter(|p| !matches!(p, Phrase::Description(_)))
                })
                .or_else(|| self.clause_subject(window.start, verb))
        };
        let who = phrase.and_then(|p| self.resolve(&p, at));
        Some((who, cue, direct))
    }

    /// The speech verb of the same form that the verb at `verb` is joined to by "and", its
    /// subject left out ("said … and added", "tweeting … and asking").
    fn coordinated_with(&self, lo: usize, verb: usize) -> Option<usize> {
        let mut and = verb.checked_sub(1)?;
        while and > lo && (self.is_ly_adverb(and) || lexicon::is_verb_filler(self.word(and))) {
            and -= 1;
        }
        if and <= lo || self.word(and) != "and" {
            return None;
        }
        let participle = self.word(verb).ends_with("ing");
        (lo..and)
            .rev()
            .take_while(|&i| self.word(i) != ",")
            .find(|&i| self.is_speech_verb(i) && self.word(i).ends_with("ing") == participle)
    }

    /// "In other words, explained CBS moderator Nancy Cordes: “…”": a verb that follows an
    /// opening phrase's comma and comes before its subject, a name that only punctuation
    /// separates from the quote.
    fn inverted_subject(&self, verb: usize, hi: usize) -> Option<Phrase> {
        // "Dick Dever, who …, told POLITICO, “…”": after "tell" comes whom it was said to.
        if verb == 0 || self.word(verb - 1) != "," || lexicon::is_tell_verb(self.word(verb)) {
            return None;
        }
        let phrase = self.forward(verb + 1, hi)?;
        let Phrase::Name(run) = &phrase else {
            return None;
        };
        (run.end..hi)
            .all(|i| !is_word(self.word(i)))
            .then_some(phrase)
    }

    /// Who speaks a participle: "footage of Trump saying …", the name right before it;
    /// "Trump attacked Clinton on Tuesday, saying …", else the clause's subject.
    fn participle_subject(&self, lo: usize, verb: usize) -> Option<Phrase> {
        // "of Carson privately saying": an adverb may stand between the name and the verb.
        let mut head = verb;
        while head > lo + 1 && self.is_ly_adverb(head - 1) {
            head -= 1;
        }
        // "Thiel wrote in a statement to Wired explaining …": a name after "to", "on" or "in"
        // is no subject ("with Trump tweeting" is).
        let adjacent = (head > lo && is_capitalised(self.word(head - 1)))
            .then(|| self.backward_core(lo, head))
            .flatten()
            .filter(|p| match p {
                Phrase::Name(run) => {
                    let mut i = run.start;
                    if i > lo && lexicon::is_determiner(self.word(i - 1)) {
                        i -= 1;
                    }
                    !(i > lo
                        && matches!(
                            self.word(i - 1),
                            "to" | "toward" | "towards" | "on" | "in" | "at"
                        ))
                }
                _ => false,
            });
        // "…, Nefzi said, adding, “…”": the participle's subject is the speech verb's before it.
        let said = (verb >= lo + 3 && self.word(verb - 1) == "," && self.is_speech_verb(verb - 2))
            .then(|| self.backward(lo, verb - 2))
            .flatten()
            .filter(|p| !matches!(p, Phrase::Description(_)));
        let adjacent = adjacent.or(said);
        // "He voiced his “frustration” on Twitter, writing “…”": the clause opens before the
        // quote that ends the window's start.
        let sentence = self.doc.sentences[..]
            .partition_point(|s| s.tokens.start <= verb)
            .saturating_sub(1);
        let start = self.doc.sentences[sentence].tokens.start;
        let opening = if start < lo
            && is_word(self.word(start))
            && !(lo..verb).any(|i| self.is_speech_verb(i))
        {
            start
        } else {
            lo
        };
        adjacent
            .or_else(|| self.clause_subject(opening, verb))
            .or_else(|| self.backward(lo, verb))
    }

    /// The subject of the clause that holds `verb`: the sentence's subject after an opening
    /// phrase ("During a speech, Trump attacked ..."), a name or a pronoun.
    fn clause_subject(&self, lo: usize, verb: usize) -> Option<Phrase> {
        let mut start = lo;
        // "On Thursday, after remaining neutral throughout the primary, Warren …": opening
        // phrases may follow one another.
        for _ in 0..3 {
            if start < verb
                && (lexicon::is_intro_word(self.word(start)) || self.opens_participle(start))
            {
                start = self.after_intro(start, verb)?;
            }
        }
        let phrase = self.forward(start, verb).filter(|p| match p {
            Phrase::Description(r) => {
                let w = self.word(r.start);
                is_capitalised(w) || lexicon::is_determiner(w)
            }
            _ => true,
        });
        // "Hours later, Trump returned …", "Here in Columbia, Sanders stepped up …": a short
        // opening phrase with no opening word, then a person's name. The phrase read from the
        // sentence's start names no entity.
        let names_entity = phrase.as_ref().is_some_and(|p| match p {
            Phrase::Pronoun(..) => true,
            _ => self
                .resolve(p, self.doc.tokens[start].span.begin)
                .is_some_and(|who| who.entity.is_some()),
        });
        if !names_entity
            && let Some(comma) = (start + 1..verb.min(start + MAX_OPENING))
                .find(|&i| matches!(self.word(i), "," | ";" | ":" | "“" | "\""))
            && self.word(comma) == ","
        {
            match self.forward(comma + 1, verb) {
                Some(Phrase::Name(run))
                    if run.start == comma + 1 && self.person_ending(run.clone()).is_some() =>
                {
                    return Some(Phrase::Name(run));
                }
                // "But back on American soil, he returned to his familiar lines:".
                Some(pronoun @ Phrase::Pronoun(i, Pronoun::Person)) if i == comma + 1 => {
                    return Some(pronoun);
                }
                _ => {}
            }
        }
        phrase
    }

    /// "Appearing before cheering supporters at the party's headquarters, Suu Kyi said": a
    /// sentence that opens with a participle, which is no name's word.
    fn opens_participle(&self, i: usize) -> bool {
        let w = self.word(i);
        is_capitalised(w)
            && w.len() > 5
            && w.ends_with("ing")
            && self.entity_at(self.doc.tokens[i].span).is_none()
    }

    /// The token after an opening phrase's comma ("On July 6, 2015, Sanders ..."): the first
    /// comma followed neither by a number nor by a place a comma closes ("in St. Clairsville,
    /// Ohio, …"). An opening adverb is one word, with or without its
    /// comma ("Yet it was Foster who ...", "Still, Foster ...").
    fn after_intro(&self, lo: usize, hi: usize) -> Option<usize> {
        if lexicon::is_opening_adverb(self.word(lo)) {
            let next = lo + 1;
            return Some(if next < hi && self.word(next) == "," {
                next + 1
            } else {
                next
            });
        }
        (lo..hi.min(lo + 30))
            .find(|&i| {
                self.word(i) == ","
                    && (i + 1 >= hi || !is_year(self.word(i + 1)))
                    && !self.place_in_commas(i, hi)
            })
            .map(|i| i + 1)
    }

    /// Whether the comma at `comma` opens a place that a comma closes: the state after a
    /// city ("in St. Clairsville, Ohio, 62-year-old Brenda Johnson …").
    fn place_in_commas(&self, comma: usize, hi: usize) -> bool {
        let Some(close) = (comma + 1..hi.min(comma + 5)).find(|&i| !is_capitalised(self.word(i)))
        else {
            return false;
        };
        close > comma + 1
            && self.word(close) == ","
            && self
                .entity_at(span_of(self.doc, &(comma + 1..close)))
                .is_some_and(|e| self.entities[e].kind == EntityType::Location)
    }

    /// `“…,” X said.`, `“…,” said X.`, `“…,” he told reporters.`
    fn after(&self, window: Range<usize>, at: usize) -> Option<(Option<Who>, Span)> {
        let mut start = window.start;
        while start < window.end && !is_word(self.word(start)) {
            start += 1;
        }
        if start == window.end {
            return None;
        }
        // “…” ― Sonya Herridge
        if (window.start..start).any(|i| matches!(self.word(i), "―" | "—" | "–"))
            && is_capitalised(self.word(start))
            && let Some(Phrase::Name(run)) = self.forward(start, window.end)
        {
            let cue = self.doc.tokens[start - 1].span;
            return Some((Some(self.name(run)), cue));
        }
        if self.is_speech_verb(start) {
            let (cue, rest) = self.cue(start, window.end);
            let phrase = if self.word(start) == "according" {
                self.forward(start + 2, window.end)
            } else {
                self.forward(rest, window.end)
            };
            let phrase = phrase.map(|p| self.named_in_apposition(p, window.end));
            let who = phrase.and_then(|p| self.resolve(&p, at));
            return Some((who, cue));
        }
        let phrase = self.forward(start, window.end)?;
        let end = match &phrase {
            Phrase::Pronoun(i, _) => i + 1,
            Phrase::Name(r) | Phrase::Description(r) => r.end,
        };
        let verb =
            (end..window.end.min(end + MAX_VERB_DISTANCE)).find(|&i| self.is_speech_verb(i))?;
        let (cue, _) = self.cue(verb, window.end);
        // "“…” including Lake Cowichan, it said": a pronoun after a comma is the verb's subject.
        let phrase = match lexicon::pronoun(self.word(verb - 1)) {
            Some(p) if verb - 1 > end && (end..verb - 1).any(|i| self.word(i) == ",") => {
                Phrase::Pronoun(verb - 1, p)
            }
            _ => self
                .person_closing_subject(&phrase, end, verb)
                .unwrap_or_else(|| self.named_in_apposition(phrase, verb)),
        };
        Some((self.resolve(&phrase, at), cue))
    }

    /// "“…,” Fight for $15 organizing director Kendall Fells told": when the subject goes on
    /// from the phrase read at its start (`..end`) to a person's name right before the verb,
    /// after a title or a description, that person speaks, also when the phrase at the start
    /// names a person too ("Jobs for Ohio organizing director Laura Menke", "Obama adviser
    /// Valerie Jarrett"), unless "and" joins the two. Not after a preposition: "the spokesman
    /// for Sen. Bob Corker said" is the spokesman.
    fn person_closing_subject(&self, phrase: &Phrase, end: usize, verb: usize) -> Option<Phrase> {
        let (Phrase::Name(first) | Phrase::Description(first)) = phrase else {
            return None;
        };
        if end >= verb {
            return None;
        }
        if (first.start..verb)
            .any(|i| matches!(self.word(i), "," | ";" | ":") || self.word(i).contains('“'))
        {
            return None;
        }
        // "Clinton and running mate Tim Kaine said": two people, the first the subject's.
        if self.person_ending(first.clone()).is_some()
            && (first.end..verb).any(|i| matches!(self.word(i), "and" | "&"))
        {
            return None;
        }
        let mention = self.person_ending(end..verb)?;
        let name = self.token_at(mention.begin);
        let before = (end..name)
            .rev()
            .find(|&i| !lexicon::is_title(self.word(i)) && self.word(i) != ".")?;
        let word = self.word(before);
        let described = is_word(word)
            && !is_capitalised(word)
            && !lexicon::is_function_word(word)
            && !lexicon::is_name_connector(word)
            && !matches!(word, "at" | "from" | "near");
        described.then_some(Phrase::Name(name..verb))
    }

    /// "his wife, Gabriela Violeta Lazar, wrote", "said another friend, Mariam Emara": a
    /// description followed, after a comma, by a person's name (one the entities give as a
    /// person) stands for that person, also when a word or two of what the person is come
    /// before the name ("exhorted Clinton's introducer, actress Jamie Lee Curtis"). Anything
    /// else is left as it is.
    fn named_in_apposition(&self, phrase: Phrase, hi: usize) -> Phrase {
        let Phrase::Description(description) = &phrase else {
            return phrase;
        };
        let mut start = description.end + 1;
        if start >= hi || self.word(description.end) != "," {
            return phrase;
        }
        let role = (start..hi)
            .take(3)
            .take_while(|&i| self.is_head_noun(i))
            .count();
        if role < 3 {
            start += role;
        }
        let end = (start..hi)
            .find(|&i| !is_capitalised(self.word(i)) && !lexicon::is_name_connector(self.word(i)))
            .unwrap_or(hi);
        let closed =
            end == hi || matches!(self.word(end), "," | "." | ";") || self.is_speech_verb(end);
        if end == start || !closed {
            return phrase;
        }
        match self.person_ending(start..end) {
            Some(_) => Phrase::Name(start..end),
            None => phrase,
        }
    }

    /// The mention of a person that ends where the token run `run` ends and begins within it
    /// (after any titles the run opens with).
    fn person_ending(&self, run: Range<usize>) -> Option<Span> {
        let span = span_of(self.doc, &run);
        let from = self.mentions.partition_point(|(m, _)| m.begin < span.begin);
        self.mentions[from..]
            .iter()
            .take_while(|(m, _)| m.begin < span.end)
            .find(|(m, e)| m.end == span.end && self.entities[*e].kind == EntityType::Person)
            .map(|&(m, _)| m)
    }

    /// The cue's span from its verb: "said", "told reporters", "according to"; and the token
    /// after it.
    fn cue(&self, verb: usize, limit: usize) -> (Span, usize) {
        let mut end = verb + 1;
        match self.word(verb) {
            "according" | "According" => end = (verb + 2).min(limit.max(verb + 1)),
            _ if self.is_phrasal_speech_verb(verb) => end = (verb + 2).min(limit.max(verb + 1)),
            "told" | "tells" | "tell" => {
                if end < limit && is_capitalised(self.word(end)) {
                    let stop = (end..limit.min(end + 4))
                        .find(|&i| !is_capitalised(self.word(i)))
                        .unwrap_or(limit.min(end + 4));
                    end = stop;
                } else if end < limit
                    && matches!(
                        self.word(end),
                        "reporters"
                            | "journalists"
                            | "me"
                            | "us"
                            | "him"
                            | "her"
                            | "them"
                            | "lawmakers"
                            | "supporters"
                            | "the"
                    )
                {
                    end += 1;
                    if self.word(end - 1) == "the" && end < limit {
                        end += 1;
                    }
                }
            }
            _ => {}
        }
        let end = end.max(verb + 1);
        (span_of(self.doc, &(verb..end)), end)
    }

    /// The phrase that begins at `lo`: "he", "Murphy", "Sok Eysan", "the ministry", "a source".
    fn forward(&self, lo: usize, hi: usize) -> Option<Phrase> {
        let mut i = lo;
        while i < hi && !is_word(self.word(i)) {
            i += 1;
        }
        if i >= hi {
            return None;
        }
        if let Some(p) = lexicon::pronoun(self.word(i)) {
            return Some(Phrase::Pronoun(i, p));
        }
        let start = i;
        let first = self.word(start);
        if !is_capitalised(first)
            && (lexicon::is_clause_word(first)
                || matches!(
                    first,
                    "for" | "in" | "at" | "of" | "from" | "later" | "also"
                ))
        {
            return None;
        }
        // A phrase that opens with a name ends where the lower-case words begin, unless a name
        // follows them ("White House press secretary Josh Earnest"); one that opens with a
        // description runs to its verb ("a narrator in the Clinton ad").
        // "Small groups of protesters": a capitalised common word opening the sentence.
        let common_opening = i + 2 < hi
            && !is_capitalised(self.word(i + 1))
            && is_word(self.word(i + 1))
            && self.word(i + 2) == "of";
        let mut described =
            !is_capitalised(first) || lexicon::is_determiner(first) || common_opening;
        let mut named = false;
        let mut organisation = false;
        // "Clinton’s top foreign policy aide Jake Sullivan": after a possessor the name may
        // come after several words.
        let mut possessed = false;
        while i < hi && i - start < MAX_PHRASE {
            let w = self.word(i);
            // "Christie’s been making the case": "’s" is "has" or "is", and the name before
            // it the subject.
            if names::is_possessive(w) && i + 1 < hi && lexicon::follows_has_or_is(self.word(i + 1))
            {
                break;
            }
            if names::is_possessive(w) && i > start && i + 1 < hi && is_word(self.word(i + 1)) {
                possessed = true;
                i += 1;
                continue;
            }
            if w == "."
                && i > start
                && self.word(i - 1).len() <= 4
                && is_capitalised(self.word(i - 1))
                && i + 1 < hi
                && is_capitalised(self.word(i + 1))
            {
                i += 1;
                continue;
            }
            // The compound's last word must be in the window too.
            if i + 2 < hi && self.is_suspended_hyphen(i) {
                i += 2;
                continue;
            }
            if !is_word(w) {
                break;
            }
            if is_capitalised(w) {
                named = true;
                organisation |= lexicon::is_org_word(w);
            } else if possessed && w == "of" && !is_capitalised(self.word(i - 1)) {
                // "Duncan Hunter’s chief of staff, Joe Kasper,": the possessor's role goes on
                // through its "of".
                described = true;
            } else if !organisation
                && !described
                && matches!(w, "at" | "of" | "from" | "for" | "with" | "in")
            {
                // "Former Secretary of State Madeleine Albright recently urged": a title's
                // "of" before the person's name.
                let titled = w == "of"
                    && (start..i).all(|j| lexicon::is_title(self.word(j)) || self.word(j) == ".");
                let end = (i + 1..hi.min(i + MAX_PHRASE))
                    .find(|&j| !is_capitalised(self.word(j)))
                    .unwrap_or(hi);
                if titled
                    && end > i + 1
                    && let Some(person) = self.person_ending(i + 1..end)
                {
                    return Some(Phrase::Name(self.token_at(person.begin)..end));
                }
                break;
            } else if lexicon::is_name_connector(w)
                && named
                && i + 1 < hi
                && is_capitalised(self.word(i + 1))
            {
            } else if described && i > start && lexicon::joins_its_phrase(self.word(i - 1), w) {
                // "a person close to the Clintons", "the base chief known as Bob".
            } else if described
                && i > start
                && i + 1 < hi
                && lexicon::joins_its_phrase(w, self.word(i + 1))
            {
                // "one Republican involved in the planning": not a verb.
            } else if lexicon::is_speech_verb(w)
                || lexicon::is_clause_word(w)
                || lexicon::is_verb_filler(w)
                || (i > start && lexicon::is_plain_verb(w))
                || (i > start
                    && w.len() >= 4
                    && (w.ends_with("ed") || self.is_ly_adverb(i))
                    && !self.is_attributive(i, hi))
            {
                break;
            } else if named && !described && !lexicon::is_title(w) && !lexicon::is_org_head(w) {
                let reach = if possessed { MAX_PHRASE } else { 4 };
                let name_follows = (i + 1..hi.min(i + reach))
                    .take_while(|&j| {
                        let w = self.word(j);
                        is_word(w)
                            && !lexicon::is_speech_verb(w)
                            && !lexicon::is_clause_word(w)
                            && !lexicon::is_verb_filler(w)
                    })
                    .any(|j| is_capitalised(self.word(j)));
                if !name_follows {
                    // "Ryan’s office said": what a name's possessor has speaks, described.
                    if !names::is_possessive(self.word(i - 1)) {
                        break;
                    }
                    described = true;
                }
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        Some(self.phrase(start, i))
    }

    /// Whether the word at `i`, after a determiner and before a noun, describes it ("the
    /// retired neurosurgeon", "one well-connected Democrat") rather than being a verb.
    fn is_attributive(&self, i: usize, hi: usize) -> bool {
        let next = i + 1;
        lexicon::is_determiner(self.word(i - 1))
            && next < hi
            && is_word(self.word(next))
            && !lexicon::is_function_word(self.word(next))
            && !lexicon::is_speech_verb(self.word(next))
            && !matches!(
                self.word(next),
                "to" | "by" | "in" | "on" | "at" | "for" | "with"
            )
    }

    /// The subject phrase that ends just before the verb at `verb`, read backwards; an
    /// appositive between commas is passed over unless it is the name ("A spokesman,
    /// Sok Eysan, said").
    fn backward(&self, lo: usize, verb: usize) -> Option<Phrase> {
        let mut end = verb;
        // Where a note in parentheses that a comma closes opened: "Filippo Grandi, the High
        // Commissioner for Refugees (UNHCR), said" ends an appositive there.
        let mut noted = None;
        loop {
            if end > lo
                && (lexicon::is_verb_filler(self.word(end - 1)) || self.is_ly_adverb(end - 1))
            {
                end -= 1;
            } else if end >= lo + 2
                && (is_weekday(self.word(end - 1)) || lexicon::is_period(self.word(end - 1)))
                && matches!(self.word(end - 2), "on" | "last" | "this" | "next")
            {
                // "Rempel earlier this week called …", "Trump on Tuesday said".
                end -= 2;
            } else if end > lo + 1 && is_weekday(self.word(end - 1)) {
                // "Trump Tuesday said".
                end -= 1;
            } else if let Some(open) = self.parenthesis_ending(lo, end) {
                // "Sen. Harry Reid (D-Nev.) said", "Gov. John Kasich (R-OH), said": a note
                // in parentheses after the name.
                if self.word(end - 1) == "," {
                    noted = Some(open);
                }
                end = open;
            } else {
                break;
            }
        }
        if end == lo {
            return None;
        }
        // "Palin posted her message under a headline that said": the relative pronoun's
        // antecedent, the phrase right before it; but "Henry added the caption which reads"
        // quotes what the clause's subject wrote.
        if end >= lo + 2 && matches!(self.word(end - 1), "that" | "which") {
            let antecedent = self.backward_core(lo, end - 1);
            return match antecedent {
                Some(Phrase::Description(ref r))
                    if lexicon::is_determiner(self.word(r.start))
                        && lexicon::is_document_noun(self.word(r.end - 1)) =>
                {
                    self.clause_subject(lo, r.start).or(antecedent)
                }
                _ => antecedent,
            };
        }
        // "… by Sen. Dianne Feinstein, the ranking Democrat, who said": the relative pronoun's
        // antecedent, a name before its comma, or right before it ("this tweet from Rikkie
        // Wells who tweeted").
        if end >= lo + 2 && self.word(end - 1) == "who" {
            let antecedent = if self.word(end - 2) == "," {
                self.backward(lo, end - 1)
            } else {
                self.backward_core(lo, end - 1)
            };
            return antecedent.filter(|p| matches!(p, Phrase::Name(_)));
        }
        let comma = if self.word(end - 1) == "," {
            Some(end - 1)
        } else {
            noted.filter(|&open| open == end)
        };
        if let Some(comma) = comma {
            let open = (lo..comma)
                .rev()
                .take(MAX_VERB_DISTANCE)
                .find(|&i| self.word(i) == ",");
            if let Some(open) = open {
                let inside = open + 1..comma;
                let all_name = !inside.is_empty()
                    && inside.clone().all(|i| {
                        is_capitalised(self.word(i)) || lexicon::is_name_connector(self.word(i))
                    });
                // "Filippo Grandi, the United Nations High Commissioner for Refugees, said": an
                // appositive opening with "the" that names no person is the title of the
                // person named before it.
                let title = all_name
                    && self.word(open + 1) == "the"
                    && self.person_ending(inside.clone()).is_none();
                if title && let Some(person) = self.person_ending(lo..open) {
                    return Some(Phrase::Name(self.token_at(person.begin)..open));
                }
                if all_name {
                    return Some(Phrase::Name(inside));
                }
                // "On Tuesday, Donald Tusk, the president of …, urged": the person may open
                // the clause after an opening phrase.
                let clause = lexicon::is_intro_word(self.word(lo))
                    .then(|| self.after_intro(lo, open))
                    .flatten();
                return self
                    .person_before_appositive(lo, open)
                    .or_else(|| clause.and_then(|c| self.person_before_appositive(c, open)))
                    .or_else(|| self.backward_core(lo, open));
            }
            return self.backward_core(lo, comma);
        }
        let core = self.backward_core(lo, end);
        // "Anthony Anton, president and CEO of Washington Restaurant Association stated": a
        // name after or with "of" is a title's, no subject; an appositive whose closing comma
        // is missing follows the person who is.
        if let Some(Phrase::Name(run)) = &core
            && run.start > lo
            && (run.start - 1..run.end).any(|i| matches!(self.word(i), "of" | "at" | "for"))
            && let Some(person) = self.person_before_appositive(lo, run.start)
        {
            return Some(person);
        }
        core
    }

    /// Whether token `i` is a lower-case word in "-ly", taken for an adverb ("privately",
    /// "recently"; not "ally" or "family").
    fn is_ly_adverb(&self, i: usize) -> bool {
        let word = self.word(i);
        word.ends_with("ly") && !is_capitalised(word) && !lexicon::is_noun_in_ly(word)
    }

    /// Where a short note in parentheses that ends right before `end` opens ("(D-Nev.)",
    /// "(R-OH),"), after a word of the phrase.
    fn parenthesis_ending(&self, lo: usize, end: usize) -> Option<usize> {
        let close = if end > lo + 1 && self.word(end - 1) == "," {
            end - 2
        } else {
            end.checked_sub(1)?
        };
        if close <= lo || self.word(close) != ")" {
            return None;
        }
        let open = (lo..close)
            .rev()
            .take(MAX_PARENTHESIS)
            .find(|&i| matches!(self.word(i), "(" | ")"))
            .filter(|&i| self.word(i) == "(")?;
        // A note, not an aside: no lower-case word ("(a Republican PAC)" is an appositive).
        let note =
            (open + 1..close).all(|i| !is_word(self.word(i)) || is_capitalised(self.word(i)));
        (note && open > lo && is_word(self.word(open - 1))).then_some(open)
    }

    /// "Will Young, a mechanic based in Kansas City, Mo., and an organizer, said": a person
    /// opening the clause, whose appositive runs over more than one comma, before `end`.
    fn person_before_appositive(&self, lo: usize, end: usize) -> Option<Phrase> {
        let comma = (lo + 1..end).find(|&i| !is_capitalised(self.word(i)))?;
        if comma == end || self.word(comma) != "," {
            return None;
        }
        // The run is one person's name, after titles ("Sen. Debbie Stabenow, D-Mich., …";
        // "Of Carson, Levine, …" is not).
        let mention = self.person_ending(lo..comma)?;
        let first = self.token_at(mention.begin);
        (lo..first)
            .all(|i| lexicon::is_title(self.word(i)) || self.word(i) == ".")
            .then_some(Phrase::Name(lo..comma))
    }

    fn backward_core(&self, lo: usize, end: usize) -> Option<Phrase> {
        if end <= lo {
            return None;
        }
        if let Some(p) = lexicon::pronoun(self.word(end - 1)) {
            return Some(Phrase::Pronoun(end - 1, p));
        }
        let mut start = end;
        while start > lo && end - start < MAX_PHRASE {
            let w = self.word(start - 1);
            // "the ad’s narrator": the possessor belongs to the phrase.
            if names::is_possessive(w) && start - 1 > lo && start < end {
                start -= 1;
                continue;
            }
            if start >= lo + 2 && self.is_suspended_hyphen(start - 2) {
                start -= 2;
                continue;
            }
            if !is_word(w) {
                break;
            }
            if is_capitalised(w) {
                start -= 1;
                continue;
            }
            if lexicon::is_name_connector(w)
                && start < end
                && is_capitalised(self.word(start))
                && start - 1 > lo
                && is_capitalised(self.word(start - 2))
            {
                start -= 1;
                continue;
            }
            if lexicon::is_determiner(w) {
                start -= 1;
                // "Protesters marching through the streets": the phrase goes on before a
                // preposition.
                if start > lo
                    && matches!(
                        self.word(start - 1),
                        "through" | "across" | "around" | "near"
                    )
                {
                    start -= 1;
                    continue;
                }
                // "Another member of the public", "a spokesperson for the camp": a lower-case
                // head before "of" or "for" belongs to the phrase.
                if start > lo + 1
                    && matches!(self.word(start - 1), "of" | "for")
                    && self.is_head_noun(start - 2)
                {
                    start -= 1;
                    continue;
                }
                break;
            }
            // "Another source familiar with Cruz’s thinking said": the source's idiom goes on
            // before its preposition.
            if start - 1 > lo && lexicon::joins_its_phrase(self.word(start - 2), w) {
                start -= 2;
                continue;
            }
            if lexicon::is_speech_verb(w)
                || lexicon::is_clause_word(w)
                || lexicon::is_verb_filler(w)
                || lexicon::pronoun(w).is_some()
                || self.is_ly_adverb(start - 1)
            {
                break;
            }
            start -= 1;
        }
        (start < end).then(|| self.phrase(start, end))
    }

    /// Whether the word at `i` may head a noun phrase a preposition's phrase follows ("member"
    /// in "member of the public"): a lower-case word that is no verb, pronoun or adverb.
    fn is_head_noun(&self, i: usize) -> bool {
        let w = self.word(i);
        is_word(w)
            && !is_capitalised(w)
            && !lexicon::is_speech_verb(w)
            && !lexicon::is_clause_word(w)
            && !lexicon::is_verb_filler(w)
            && !lexicon::is_function_word(w)
            && !self.is_ly_adverb(i)
            && !w.ends_with("ed")
            && !w.ends_with("ing")
    }

    /// Whether a preposition of address ("to", "with") comes right before `at`, or before the
    /// few lower-case words of a noun phrase that ends there ("to the Dutch newspaper NRC
    /// Handelsblad"), after `lo`.
    fn follows_addressee_preposition(&self, lo: usize, at: usize) -> bool {
        let mut i = at;
        while i > lo + 1
            && at - i < 3
            && (self.is_head_noun(i - 1) || lexicon::is_determiner(self.word(i - 1)))
        {
            i -= 1;
        }
        i > lo && matches!(self.word(i - 1), "to" | "with" | "toward" | "towards")
    }

    /// Whether "to", with or without a determiner, stands between `start` and `at` right
    /// before `at`, after at least one word ("close to the Clintons").
    fn follows_to(&self, start: usize, at: usize) -> bool {
        let at = if at > start && lexicon::is_determiner(self.word(at - 1)) {
            at - 1
        } else {
            at
        };
        at > start + 1 && self.word(at - 1) == "to"
    }

    /// A name when the phrase ends with capitalised words, else a description.
    fn phrase(&self, start: usize, end: usize) -> Phrase {
        match names::run_ending_at(self.doc, start, end) {
            // "a person close to the Clintons" is not the Clintons; "the rise of Bannon", "the
            // former secretary of State" is not Bannon or State.
            Some(run)
                if self.follows_to(start, run.start)
                    || run.start > start + 1
                        && self.word(run.start - 1) == "of"
                        && lexicon::is_determiner(self.word(start))
                        && !is_capitalised(self.word(run.start - 2)) =>
            {
                Phrase::Description(start..end)
            }
            Some(run) => {
                let mut run = run;
                while run.start + 1 < run.end && lexicon::is_determiner(self.word(run.start)) {
                    run.start += 1;
                }
                Phrase::Name(run)
            }
            None => {
                // "Protesters marching through the streets": the head before the participle.
                let cut = (start + 1..end.saturating_sub(1))
                    .find(|&i| {
                        let w = self.word(i);
                        !is_capitalised(w)
                            && w.len() > 4
                            && w.ends_with("ing")
                            && (lexicon::is_determiner(self.word(i + 1))
                                || matches!(
                                    self.word(i + 1),
                                    "through"
                                        | "in"
                                        | "on"
                                        | "at"
                                        | "into"
                                        | "across"
                                        | "around"
                                        | "outside"
                                        | "near"
                                        | "to"
                                ))
                    })
                    .unwrap_or(end);
                Phrase::Description(start..cut)
            }
        }
    }

    /// The speaker a phrase names at `at`.
    fn resolve(&self, phrase: &Phrase, at: usize) -> Option<Who> {
        let doc = self.doc;
        match phrase {
            Phrase::Pronoun(i, kind) => {
                let antecedent = match kind {
                    Pronoun::Person => self.person_for(self.word(*i)),
                    Pronoun::Group => self.last_group.as_ref(),
                    Pronoun::Speaker => None,
                }?;
                Some(Who {
                    span: Some(doc.tokens[*i].span),
                    pronoun: true,
                    ..antecedent.clone()
                })
            }
            Phrase::Name(run) => {
                let word = self.word(run.start);
                // "Some chanted", "Another tweeted": a quantifier alone is the speaker.
                if run.len() == 1 && lexicon::is_quantifier_pronoun(word) {
                    return Some(Who {
                        name: word.to_owned(),
                        span: Some(doc.tokens[run.start].span),
                        entity: None,
                        person: false,
                        group: false,
                        pronoun: false,
                    });
                }
                let who = self.name(run.clone());
                // "Wait, it gets better:", "Here in Columbia, Sanders …": a word that opens a
                // sentence names no one; "… on Tuesday, telling CNN": nor does a day.
                (run.len() > 1 || !(lexicon::is_function_word(word) || is_weekday(word)))
                    .then_some(who)
            }
            // "the", "his", "fostered": one lower-case word names no speaker, unless it is a
            // quantifier that stands for people ("one tweeted", as "Another tweeted").
            Phrase::Description(range)
                if range.len() == 1
                    && !is_capitalised(self.word(range.start))
                    && !lexicon::is_quantifier_pronoun(self.word(range.start)) =>
            {
                None
            }
            Phrase::Description(range) => {
                let start = range.start;
                // "the IMF report stated": a document speaks for whoever wrote it.
                let first = start + usize::from(lexicon::is_determiner(self.word(start)));
                if first + 1 < range.end
                    && lexicon::is_document_noun(self.word(range.end - 1))
                    && let Some(run) = names::run_ending_at(doc, first, range.end - 1)
                    && run.start == first
                {
                    return Some(self.name(run));
                }
                // "Pence’s press release notes": whoever the possessor names.
                if lexicon::is_document_noun(self.word(range.end - 1))
                    && let Some(mark) =
                        (start + 1..range.end - 1).find(|&i| names::is_possessive(self.word(i)))
                    && let Some(run) = names::run_ending_at(doc, start, mark)
                    && run.start == start
                {
                    return Some(self.name(run));
                }
                // "…,” the post read": whoever the text said spoke in the post ("Jason Schultz
                // … stated in the company’s blog post"), while no one else has spoken since.
                if range.end - start == 2
                    && matches!(self.word(start), "the" | "The")
                    && let Some((_, who)) = self
                        .documents
                        .iter()
                        .rev()
                        .find(|(noun, _)| *noun == self.word(start + 1))
                    && self
                        .last_speaker
                        .as_ref()
                        .is_some_and(|last| last.name == who.name)
                {
                    return Some(Who {
                        span: Some(span_of(doc, &(start..range.end))),
                        pronoun: false,
                        ..who.clone()
                    });
                }
                // "her statement read", "its report says": whoever the possessive names.
                if range.end - start == 2 && lexicon::is_document_noun(self.word(start + 1)) {
                    let antecedent = match self.word(start) {
                        "his" | "His" => self.person_for("he"),
                        "her" | "Her" => self.person_for("she"),
                        "its" | "Its" | "their" | "Their" => self.last_group.as_ref(),
                        _ => None,
                    };
                    if let Some(who) = antecedent {
                        return Some(Who {
                            span: Some(doc.tokens[start].span),
                            pronoun: true,
                            ..who.clone()
                        });
                    }
                }
                let span = span_of(doc, &(start..range.end));
                // "a spokesperson for the camp": the head comes before the preposition.
                let head = (start + 1..range.end)
                    .find(|&i| matches!(self.word(i), "of" | "for"))
                    .map_or(range.end - 1, |i| i - 1);
                let head = self.word(head);
                let group = lexicon::is_org_head(head);
                // "the Calgary-based railway" names no one; "the US embassy" may.
                let unnamed = !(start + 1..range.end).any(|i| {
                    let w = self.word(i);
                    let last = w.rsplit('-').next().unwrap_or(w);
                    is_capitalised(w) && is_capitalised(last)
                });
                // "the ministry said", "the spokeswoman said": the organisation or the person
                // the text introduced as one.
                let plural = is_plural_name(head);
                // "the former president" is not the one titled "President", nor the other way.
                let former =
                    (start..range.end).any(|i| self.word(i).eq_ignore_ascii_case("former"));
                if unnamed
                    && !plural
                    && range.end - start >= 2
                    && matches!(self.word(start), "the" | "The")
                    && !lexicon::is_document_noun(head)
                    && let Some(who) = group
                        .then(|| self.first_use(start..range.end))
                        .flatten()
                        .and_then(|first| self.described(head, group, former, span, first))
                        .or_else(|| self.described(head, group, former, span, at))
                {
                    return Some(who);
                }
                // "the US embassy" is the entity US Embassy when it names nothing else.
                let entity = self.entity_at(span);
                let named = (start..range.end)
                    .find(|&i| !lexicon::is_determiner(self.word(i)))
                    .map(|first| span_of(doc, &(first..range.end)));
                let name = match (entity, named) {
                    (Some(e), Some(named))
                        if self.entities[e].mentions.iter().any(|m| m.span == named) =>
                    {
                        self.canonical(named, Some(e))
                    }
                    _ => doc.slice(span).to_owned(),
                };
                Some(Who {
                    name,
                    span: Some(span),
                    entity,
                    person: false,
                    group,
                    pronoun: false,
                })
            }
        }
    }

    /// Where the text first used the definite description at `range`, word for word (the
    /// capital of its first word aside), when it did before: an organisation's "the
    /// commission" stands throughout for what it stood for then ("the commission appointed …",
    /// not a commission named in passing since).
    fn first_use(&self, range: Range<usize>) -> Option<usize> {
        let words = range.len();
        (0..range.start.saturating_sub(words))
            .find(|&i| {
                // "The commission" opening a sentence, but not "the Commission" of a name.
                self.word(i).eq_ignore_ascii_case(self.word(range.start))
                    && (1..words).all(|k| self.word(i + k) == self.word(range.start + k))
            })
            .map(|i| self.doc.tokens[i].span.begin)
    }

    /// Who a definite description stands for: the latest person (or, for "the ministry",
    /// organisation) named before `at` with the description's head word as a title ("Mayor Doug
    /// McCallum", "security firm Cisco Talos"), in an appositive after the name ("Jane Doe, a
    /// spokeswoman for the ministry"), or, for an organisation, in its name ("the Ministry of
    /// Health"). A person's title or appositive says "former" exactly when the description does
    /// (`former`).
    fn described(
        &self,
        head: &str,
        group: bool,
        former: bool,
        span: Span,
        at: usize,
    ) -> Option<Who> {
        let doc = self.doc;
        let kind = if group {
            EntityType::Organization
        } else {
            EntityType::Person
        };
        let head_at = |i: usize| self.word(i).eq_ignore_ascii_case(head);
        let before = self
            .mentions
            .partition_point(|(m, _)| m.begin < at.min(span.begin));
        let (mention, entity) = self.mentions[..before].iter().rev().find(|(m, e)| {
            if self.entities[*e].kind != kind {
                return false;
            }
            let first = self.token_at(m.begin);
            let last = self.token_at(m.end);
            let is_former = |i: usize| self.word(i).eq_ignore_ascii_case("former");
            // "former President Bill Clinton", "Former Bill Clinton pollster Douglas Schoen":
            // the title and the words before it.
            let titled = first > 0
                && head_at(first - 1)
                && (first.saturating_sub(5)..first - 1)
                    .rev()
                    .take_while(|&i| is_word(self.word(i)))
                    .any(is_former)
                    == former;
            let mut apposition = (last + 2..doc.tokens.len().min(last + 12))
                .take_while(|&i| !matches!(self.word(i), "," | "." | ";" | "and" | "who"));
            let appositive = last + 1 < doc.tokens.len()
                && self.word(last) == ","
                && lexicon::is_determiner(self.word(last + 1))
                && apposition.clone().any(head_at)
                && apposition.any(is_former) == former;
            let in_name = group && (first..last).any(head_at);
            titled || appositive || in_name
        })?;
        Some(Who {
            name: self.canonical(*mention, Some(*entity)),
            span: Some(span),
            entity: Some(*entity),
            person: !group,
            group,
            pronoun: false,
        })
    }

    /// The speaker a capitalised run names.
    fn name(&self, run: Range<usize>) -> Who {
        let doc = self.doc;
        let (tokens, mut person, group) = match names::classify(doc, run) {
            NameKind::Person(t) => (t, true, false),
            NameKind::Organisation(t) => (t, false, true),
            NameKind::Other(t) => (t, false, false),
        };
        let span = span_of(doc, &tokens);
        let mut name_span = span;
        let mut entity = self.entity_at(span);
        // "Jordan said" after "Jordan Stewart": a lone given name or surname is the person the
        // text named in full, whatever the tagger made of the word alone (here a country).
        if tokens.len() == 1
            && !group
            && entity.is_none_or(|e| self.entities[e].kind != EntityType::Organization)
            && let Some((full, e)) = self.person_named(self.word(tokens.start), span.begin)
        {
            name_span = full;
            entity = Some(e);
            person = true;
        }
        // "Melanie said": a given name alone is a person's.
        if tokens.len() == 1 && !group && gender_of(self.word(tokens.start)).is_some() {
            person = true;
        }
        let typed = entity.map(|e| self.entities[e].kind);
        match typed {
            Some(EntityType::Person) => person = true,
            Some(EntityType::Organization | EntityType::Location) => person = false,
            Some(EntityType::Misc) if is_plural_name(doc.slice(span)) => person = false,
            _ => {}
        }
        Who {
            name: self.canonical(name_span, entity),
            span: Some(span),
            entity,
            person,
            group: group || typed == Some(EntityType::Organization),
            pronoun: false,
        }
    }

    /// The person a lone word names at `at` when the text gives it as the first or last word of
    /// a person's full name: of those named in full before, the one the text has named most
    /// so far, the latest on a tie ("Clinton" after "Hillary Clinton" throughout and "Bill
    /// Clinton" once is Hillary Clinton); else the first named after.
    fn person_named(&self, word: &str, at: usize) -> Option<(Span, usize)> {
        let spans = self.full_names.get(word)?;
        let before = spans.partition_point(|(s, _)| s.begin < at);
        let named_so_far = |e: usize| {
            self.entities[e]
                .mentions
                .iter()
                .filter(|m| m.span.begin < at)
                .count()
        };
        // Each person counted once, from the latest named: a later one wins only with more.
        let mut counted = Vec::new();
        let mut most: Option<(usize, (Span, usize))> = None;
        for &(span, e) in spans[..before].iter().rev() {
            if counted.contains(&e) {
                continue;
            }
            counted.push(e);
            let named = named_so_far(e);
            if most.is_none_or(|(best, _)| named > best) {
                most = Some((named, (span, e)));
            }
        }
        most.map(|(_, found)| found)
            .or_else(|| spans.get(before).copied())
    }

    /// The canonical name: the entity's when a real tagger typed it, else the text's own; and
    /// the text's own when it goes on after the entity's name ("Tim Waters" where the tagger
    /// found "Tim").
    fn canonical(&self, span: Span, entity: Option<usize>) -> String {
        let text = self.doc.slice(span);
        match entity.map(|e| &self.entities[e]) {
            Some(e)
                if matches!(e.kind, EntityType::Person | EntityType::Organization)
                    && !text
                        .strip_prefix(e.name.as_str())
                        .is_some_and(|rest| rest.starts_with(' ')) =>
            {
                e.name.clone()
            }
            _ => text.to_owned(),
        }
    }

    /// Whether the tagger reads a speaker as a place, or as a people named in the plural
    /// ("Latinos", "Asian Americans"): no one "he" or "she" may stand for. ("Cuban", a people
    /// in the singular, may be Mark Cuban.)
    fn is_no_person(&self, who: &Who) -> bool {
        who.entity.is_some_and(|e| match self.entities[e].kind {
            EntityType::Location => true,
            EntityType::Misc => is_plural_name(&who.name),
            _ => false,
        })
    }

    /// Whether a name is one capitalised word that opens its sentence, in the plural, that the
    /// tagger does not name ("Analysts", "Officials"): people, not one person.
    fn is_common_plural(&self, phrase: &Phrase, who: &Who) -> bool {
        let Phrase::Name(run) = phrase else {
            return false;
        };
        let word = self.word(run.start);
        run.len() == 1
            && who.entity.is_none()
            && self.doc.starts_sentence(run.start)
            && is_plural_name(word)
            && gender_of(word).is_none()
    }

    /// The entity with a mention overlapping `span`.
    fn entity_at(&self, span: Span) -> Option<usize> {
        let after = self.mentions.partition_point(|(m, _)| m.begin < span.end);
        self.mentions[..after]
            .iter()
            .rev()
            .take(8)
            .find(|(m, _)| m.end > span.begin)
            .map(|&(_, e)| e)
    }

    /// The person "he" or "she" refers to: the latest named whose given name is not of the
    /// other sex ("she said" after "Melanie … Donald Trump" is Melanie), else the latest.
    fn person_for(&self, pronoun: &str) -> Option<&Who> {
        let wanted = if pronoun.eq_ignore_ascii_case("she") {
            Gender::Female
        } else {
            Gender::Male
        };
        // What the text says of the person ("Mrs.", "her father") before what the census
        // says of the given name.
        let fits = |who: &Who| {
            who.entity
                .and_then(|e| self.genders[e])
                .or_else(|| who.name.split_whitespace().next().and_then(gender_of))
                .is_none_or(|g| g == wanted)
        };
        self.people
            .iter()
            .rev()
            .find(|who| fits(who))
            // Names whose family name comes first ("Chin Malin") mislead the census: when no
            // one fits, the latest named still does.
            .or(self.people.last())
    }

    /// Whether a sentence is a heading, a caption or a credit rather than prose ("Story
    /// continues below advertisement", "( THE CANADIAN PRESS FILE PHOTO )", "WATCH | …"): its
    /// paragraph does not end as a sentence ends, or it stands in brackets.
    fn is_caption(&self, sentence: usize) -> bool {
        let doc = self.doc;
        let span = doc.sentences[sentence].span;
        let paragraph = doc.paragraphs.partition_point(|p| p.span.end <= span.begin);
        let Some(paragraph) = doc.paragraphs.get(paragraph) else {
            return false;
        };
        let text = doc.slice(paragraph.span).trim_end();
        let ends_as_prose =
            text.ends_with(['.', '!', '?', '…', ':', '"', '”', '’', '\'']) && !text.ends_with(')');
        !ends_as_prose || doc.slice(span).trim_start().starts_with(['(', '['])
    }

    /// "Director of security response at Symantec, Kevin Haley, agreed": a name set off by
    /// commas (from `first` to `next`) before a lower-case word that is a verb.
    fn acts_after_appositive(&self, first: usize, next: usize, hi: usize) -> bool {
        let verb = next + 1;
        first > 0
            && self.word(first - 1) == ","
            && self.word(next) == ","
            && verb < hi
            && self
                .word(verb)
                .starts_with(|c: char| c.is_ascii_lowercase())
            && !lexicon::is_function_word(self.word(verb))
            && !lexicon::is_clause_word(self.word(verb))
            && !lexicon::is_determiner(self.word(verb))
    }

    /// Records who holds the floor: the speaker a quote with no attribution continues.
    fn set_speaker(&mut self, who: &Who) {
        self.last_speaker = Some(Who {
            span: None,
            pronoun: false,
            ..who.clone()
        });
    }

    /// Remembers that `who` spoke in a document when the words from `lo` (right after the speech
    /// verb) say so: "said Friday in a statement", "stated in the company’s blog post". The
    /// document is the first document noun after "in", before any punctuation or "that".
    fn note_document(&mut self, lo: usize, hi: usize, who: &Who) {
        let hi = hi.min(self.doc.tokens.len()).min(lo + 10);
        let words = || {
            (lo..hi).take_while(|&i| is_word(self.word(i)) || names::is_possessive(self.word(i)))
        };
        let Some(at) = words().take(3).find(|&i| self.word(i) == "in") else {
            return;
        };
        let Some(noun) = words()
            .skip_while(|&i| i <= at)
            .take_while(|&i| self.word(i) != "that")
            .find(|&i| lexicon::is_document_noun(self.word(i)))
        else {
            return;
        };
        let noun = self.word(noun);
        self.documents.retain(|(n, _)| *n != noun);
        self.documents.push((noun, who.clone()));
    }

    /// Remembers the person entity `entity` named at `mention`, who may be "he" or "she".
    fn remember_person(&mut self, mention: Span, entity: usize) {
        self.remember(Who {
            name: self.canonical(mention, Some(entity)),
            span: Some(mention),
            entity: Some(entity),
            person: true,
            group: false,
            pronoun: false,
        });
    }

    fn remember(&mut self, who: Who) {
        if who.person {
            self.people.retain(|p| p.name != who.name);
            if self.people.len() == MAX_PEOPLE {
                self.people.remove(0);
            }
            self.people.push(who);
        } else if who.group {
            self.last_group = Some(who);
        }
    }

    /// Reads the subject of a sentence outside quotes: the person or group it is about, and the
    /// speaker when its verb is a speech verb ("In a statement, the ministry said ...").
    fn read_subject(&mut self, sentence: usize, quotes: &[Marked]) {
        let doc = self.doc;
        let tokens = doc.sentences[sentence].tokens.clone();
        if tokens.is_empty() {
            return;
        }
        let begin = doc.sentences[sentence].span.begin;
        // A caption, or a headline in title case: every word is capitalised there, so capitals
        // tell no names ("Hillary Clinton Says Trump’s Bigotry Doesn’t …").
        if self.is_caption(sentence)
            || sentence == 0 && super::is_strict_title_case(doc.slice(doc.sentences[0].span))
        {
            return;
        }
        let inside = quotes.partition_point(|q| q.span.end <= begin);
        if quotes.get(inside).is_some_and(|q| q.span.begin <= begin) {
            return;
        }
        let mut lo = tokens.start;
        if lexicon::is_intro_word(self.word(lo)) {
            match self.after_intro(lo, tokens.end) {
                Some(next) => lo = next,
                None => return,
            }
        }
        // Stop at the first quote in the sentence.
        let mut hi = tokens.end;
        if let Some(q) = quotes.get(inside) {
            hi = hi.min(self.token_at(q.span.begin));
        }
        // The sentence's subject: the person or group it is about.
        let mut person_named = false;
        // Where the subject that names a person ends.
        let mut subject_end = None;
        if let Some(phrase) = self.forward(lo, hi) {
            let end = match &phrase {
                Phrase::Pronoun(i, _) => i + 1,
                Phrase::Name(r) | Phrase::Description(r) => r.end,
            };
            // "Schumer, he said, “knows …”": the name is the subject of what was said, not the
            // speaker, nor whom "he" refers to.
            let reported = end + 3 < hi
                && self.word(end) == ","
                && lexicon::pronoun(self.word(end + 1)).is_some()
                && self.is_speech_verb(end + 2)
                && self.word(end + 3) == ",";
            if !reported
                && let Some(who) = self.resolve(&phrase, begin)
                && (!matches!(phrase, Phrase::Description(_)) || who.group)
            {
                // The verb: after fillers, or after an appositive between commas.
                let mut verb = end;
                if verb < hi && self.word(verb) == "," {
                    verb = (verb + 1..hi.min(verb + MAX_VERB_DISTANCE))
                        .find(|&i| self.word(i) == ",")
                        .map_or(hi, |c| c + 1);
                }
                while verb < hi && lexicon::is_verb_filler(self.word(verb)) {
                    verb += 1;
                }
                let introduces = hi > lo && self.word(hi - 1) == ":";
                if introduces || (verb < hi && self.is_speech_verb(verb)) {
                    self.set_speaker(&who);
                    self.note_document(verb + 1, hi, &who);
                }
                if who.person && !matches!(phrase, Phrase::Pronoun(..)) {
                    self.last_subject = Some((who.clone(), begin));
                }
                person_named = who.person;
                if who.person {
                    subject_end = Some(end);
                }
                if who.person || who.group {
                    self.remember(who);
                }
            }
        }
        // "For Megda Belkacemi, Friday is a day she has awaited": the person an opening "for"
        // or "to" makes the topic, when the subject names no one, may be "she" ("Like Allen,"
        // compares).
        if !person_named
            && lo >= tokens.start + 3
            && lo <= hi
            && self.word(lo - 1) == ","
            && matches!(self.word(tokens.start), "For" | "To")
        {
            let span = span_of(doc, &(tokens.start + 1..lo - 1));
            let first = self.mentions.partition_point(|(m, _)| m.begin < span.begin);
            if let Some(&(mention, entity)) = self.mentions.get(first)
                && mention == span
                && self.entities[entity].kind == EntityType::Person
            {
                self.remember_person(mention, entity);
            }
        }
        // "Down the street, Mike McFadden also rejoiced …", "It's a comment that Scheer found
        // concerning.": a person the sentence names when its subject names no one may be "he".
        if !person_named && hi > lo {
            let (from, to) = (doc.tokens[lo].span.begin, doc.tokens[hi - 1].span.end);
            let first = self.mentions.partition_point(|(m, _)| m.begin < from);
            if let Some(&(mention, entity)) = self.mentions[first..]
                .iter()
                .take_while(|(m, _)| m.end <= to)
                .find(|(m, e)| {
                    // The person acts: after the opening phrase or "that", before a verb.
                    let (first, next) = (self.token_at(m.begin), self.token_at(m.end));
                    self.entities[*e].kind == EntityType::Person
                        && (first == lo
                            || matches!(self.word(first - 1), "," | ":" | "that")
                            || matches!(self.word(first - 1), "and" | "but")
                                && first >= lo + 2
                                && self.word(first - 2) == ",")
                        && next < hi
                        && (self
                            .word(next)
                            .starts_with(|c: char| c.is_ascii_lowercase())
                            && !matches!(self.word(next), "of" | "and" | "or")
                            || self.acts_after_appositive(first, next, hi))
                })
            {
                self.remember_person(mention, entity);
            }
        }
        // A speech verb in the sentence names its speaker: "..., Mr. Obama said in his
        // interview." / "..., noted NBC's Dante Chinni."
        let speech = (lo..hi)
            .find(|&v| self.is_speech_verb(v) && !self.word(v).eq_ignore_ascii_case("according"));
        if let Some(v) = speech {
            let mut phrase = self
                .backward(lo, v)
                .filter(|p| !matches!(p, Phrase::Description(_)));
            // "…, noted NBC's Dante Chinni" names the speaker after the verb; "…, telling Mic"
            // and "…, told CNN" name whom they spoke to.
            let addressee = self.word(v).ends_with("ing") || lexicon::is_tell_verb(self.word(v));
            if phrase.is_none() && v > tokens.start && self.word(v - 1) == "," && !addressee {
                phrase = self
                    .forward(v + 1, hi)
                    .filter(|p| !matches!(p, Phrase::Description(_)));
            }
            // "Carson turned the story back on the Post, pointing out that the paper's Robert
            // Costa had reported …. He hoped, he said, …": a speaker in a clause that the
            // subject's "that" opens is what the subject said, and the subject stays the one
            // "he" refers to.
            let embedded = |phrase: &Phrase| {
                let start = match phrase {
                    Phrase::Pronoun(i, _) => *i,
                    Phrase::Name(r) | Phrase::Description(r) => r.start,
                };
                subject_end.is_some_and(|end| (end..start).any(|i| self.word(i) == "that"))
            };
            if let Some(phrase) = phrase
                && !embedded(&phrase)
                && let Some(mut who) = self.resolve(&phrase, begin)
            {
                // "…, Colorado said": a place that speaks is no "he" or "she"; nor do
                // "Analysts noted that …", a plural no tagger names.
                if matches!(phrase, Phrase::Name(_))
                    && !who.group
                    && !self.is_no_person(&who)
                    && !self.is_common_plural(&phrase, &who)
                {
                    who.person = true;
                }
                self.set_speaker(&who);
                self.note_document(v + 1, hi, &who);
                self.remember(who);
            }
        } else if let Some(v) = (lo..hi)
            .find(|&v| self.word(v).eq_ignore_ascii_case("according") && self.is_speech_verb(v))
        {
            // "…, according to former Bank of Canada governor David Dodge.": the source named
            // holds the floor, and may be the next "he".
            if let Some(phrase) = self
                .forward(v + 2, hi)
                .filter(|p| matches!(p, Phrase::Name(_)))
                && let Some(mut who) = self.resolve(&phrase, begin)
            {
                if !who.group && !self.is_no_person(&who) {
                    who.person = true;
                }
                self.set_speaker(&who);
                self.remember(who);
            }
        }
    }
}

/// The sex the text gives each person entity: the words right before its mentions ("Mr.
/// Ryan", "her father Khaled", "spokeswoman Jane Doe"), when they all agree. By entity index.
fn genders_in_text(doc: &Document, entities: &[Entity]) -> Vec<Option<Gender>> {
    entities
        .iter()
        .map(|entity| {
            if entity.kind != EntityType::Person {
                return None;
            }
            let mut said = None;
            for mention in &entity.mentions {
                let first = token_at(doc, mention.span.begin);
                // The word before the name, or its own first word when the name holds its
                // title ("Mrs. Clinton"; a first word of the name is a title only when it is
                // no word of a name, as "Father" or "Son" may be).
                let own = (first < doc.tokens.len())
                    .then(|| doc.token_text(first))
                    .filter(|w| w.ends_with('.') || matches!(*w, "Mr" | "Mrs" | "Ms" | "Miss"));
                let told = first
                    .checked_sub(1)
                    .map(|i| doc.token_text(i))
                    .into_iter()
                    .chain(own)
                    .find_map(lexicon::gender_before_name);
                match (said, told) {
                    (_, None) => {}
                    (None, Some(g)) => said = Some(g),
                    (Some(earlier), Some(g)) if earlier != g => return None,
                    _ => {}
                }
            }
            said
        })
        .collect()
}

/// The first token of `doc` that begins at or after `offset`.
fn token_at(doc: &Document, offset: usize) -> usize {
    doc.tokens.partition_point(|t| t.span.begin < offset)
}

/// Whether a quote's words end a sentence ("… to go.”", "… again?”").
fn ends_with_stop(quoted: &str) -> bool {
    quoted
        .trim_end_matches(|c: char| {
            c.is_whitespace() || super::is_mark(c) || matches!(c, '’' | '\'')
        })
        .ends_with(['.', '!', '?', '…'])
}

/// Whether a name or a noun ends in a plural ("Latinos", "Asian Americans", "officials"), not
/// in a double s ("Hess", "the boss").
fn is_plural_name(name: &str) -> bool {
    name.ends_with('s') && !name.ends_with("ss")
}

/// A number that goes on a date ("On July 6, 2015, …"), not a word that opens with one
/// ("62-year-old").
fn is_year(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii_digit())
}
