//! The named-entity tagger: an averaged perceptron over BILOU tags for PER, ORG, LOC and MISC,
//! reading the features of [`super::features`].
//!
//! It is trained by greedy left-to-right decoding, and tags by a beam of two sequences ranked by
//! log-probabilities ([`DECODING`]): both linear in the text. The tags are constrained so that
//! every entity is well formed (B I* L or U). The model is trained by `docsift-train ner`
//! (see [`super::train`]), stored quantised in `models/ner.bin`, embedded in the binary and
//! loaded once on first use.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::LazyLock;

use super::features::{
    self, CAP, DocumentParts, Role, TAGS, TextKeys, Vocabulary, dynamic_keys, first_pass_keys,
    history_keys, static_keys, tag_keys, text_keys_of,
};
use super::hash::KeyMap;
use crate::analysis::EntityType;
use crate::analysis::text::Document;

pub(crate) const OUTSIDE: u8 = 0;
const BEGIN: u8 = 0;
const INSIDE: u8 = 1;
const LAST: u8 = 2;
const UNIT: u8 = 3;

/// The entity types in tag order.
pub(crate) const TYPES: [EntityType; 4] = [
    EntityType::Person,
    EntityType::Organization,
    EntityType::Location,
    EntityType::Misc,
];

/// The tag for a position (B, I, L, U) in an entity of type number `kind`.
pub(crate) fn tag(kind: usize, position: u8) -> u8 {
    1 + 4 * kind as u8 + position
}

fn kind_of(tag: u8) -> Option<usize> {
    (tag != OUTSIDE).then(|| usize::from((tag - 1) / 4))
}

fn position_of(tag: u8) -> u8 {
    (tag - 1) % 4
}

/// Whether `next` may follow `previous` in a well-formed BILOU sequence.
fn allowed(previous: u8, next: u8, last_in_sentence: bool) -> bool {
    let open = previous != OUTSIDE && matches!(position_of(previous), BEGIN | INSIDE);
    if open {
        let same = kind_of(next) == kind_of(previous);
        return same
            && match position_of(next) {
                INSIDE => !last_in_sentence,
                LAST => true,
                _ => false,
            };
    }
    next == OUTSIDE
        || match position_of(next) {
            BEGIN => !last_in_sentence,
            UNIT => true,
            _ => false,
        }
}

/// Whether a tag fits a word of the given role, followed by one of role `next` (`None` at the
/// end of the sentence): a common word is outside every name, a joining word ends none, and a
/// name goes on only onto a word that may be in one.
///
/// Tagging keeps to this; training does not, so that the perceptron still learns from the
/// mistakes the constraint would hide (5-fold cross-validation on CoNLL-2003 train, typed F1:
/// 90.75 without the constraint, 90.86 with it when tagging only, 90.19 when training too).
fn fits(tag: u8, here: Role, next: Option<Role>) -> bool {
    if tag == OUTSIDE {
        return true;
    }
    match here {
        Role::Common => return false,
        Role::Joining if matches!(position_of(tag), LAST | UNIT) => return false,
        _ => {}
    }
    !matches!(position_of(tag), BEGIN | INSIDE) || next.is_some_and(|r| r != Role::Common)
}

/// Whether a word's tag is decided by its role alone when tagging: a common word fits no tag but
/// "outside" (see [`fits`]), so its scores are neither summed nor read.
fn outside_only(role: Role) -> bool {
    role == Role::Common
}

/// The role of the word after token `i` in `sentence`, `None` at its end.
fn next_role(parts: &DocumentParts, sentence: &Range<usize>, i: usize) -> Option<Role> {
    (i + 1 < sentence.end).then(|| parts.tokens[i + 1].role)
}

/// Scores tags for a set of feature keys, and (while training) learns from a mistake.
pub(crate) trait Scorer {
    /// Adds the scores of `keys` to `scores`.
    fn score(&self, keys: &[u64], scores: &mut [f32; TAGS]);
    /// The scores of the static keys of token `i` of `sentence`, which are left in `keys` for
    /// [`Scorer::learn`].
    fn static_scores(
        &self,
        parts: &DocumentParts,
        sentence: &Range<usize>,
        i: usize,
        keys: &mut Vec<u64>,
    ) -> [f32; TAGS] {
        static_keys(parts, sentence, i, keys);
        let mut scores = [0.0; TAGS];
        self.score(keys, &mut scores);
        scores
    }
    fn learn(&mut self, _keys: &[u64], _gold: u8, _predicted: u8) {}
    /// Called once per token, so an averaging learner knows the time.
    fn tick(&mut self) {}
}

/// A trained, quantised model: an open-addressing table from feature key to a row of weights.
pub struct Model(Table<1>);

/// The weights of `N` models in one open-addressing table: each place holds a feature key and
/// the number of its row in each model. The two passes of the tagger share most features (177
/// thousand keys in all, 115 thousand in both), and every text key is summed with both: one
/// table finds it for both with one read, and is half the size of two.
struct Table<const N: usize> {
    slots: Vec<Slot<N>>,
    rows: [Vec<[i16; TAGS]>; N],
}

/// A place in a table: a feature key beside the number of its row in each model (from 1; 0
/// when the model has no weights for it, and in every model for an empty place). Together, so
/// that finding a key reads one cache line, not two; 16 bytes for two models.
#[derive(Clone, Copy)]
struct Slot<const N: usize> {
    key: u64,
    rows: [u32; N],
}

impl<const N: usize> Slot<N> {
    const EMPTY: Slot<N> = Slot {
        key: 0,
        rows: [0; N],
    };

    fn is_empty(&self) -> bool {
        self.rows == [0; N]
    }
}

/// One model of a file as written: its keys, and their rows in the same order.
struct Weights {
    keys: Vec<u64>,
    rows: Vec<[i16; TAGS]>,
}

impl Weights {
    /// Reads a model written by [`super::train`]; `None` when the bytes are not one.
    fn from_bytes(bytes: &[u8]) -> Option<Weights> {
        let mut reader = Reader { bytes, at: 0 };
        if reader.take(8)? != MAGIC || reader.u32()? as usize != TAGS {
            return None;
        }
        let n = reader.u32()? as usize;
        let keys = reader
            .take(n.checked_mul(8)?)?
            .chunks_exact(8)
            .map(|k| u64::from_le_bytes(k.try_into().expect("eight bytes")))
            .collect();
        let mut rows = filled([0i16; TAGS], n);
        for row in &mut rows {
            let mut present = reader.u32()?;
            while present != 0 {
                let tag = present.trailing_zeros() as usize;
                present &= present - 1;
                *row.get_mut(tag)? = reader.u16()? as i16;
            }
        }
        Some(Weights { keys, rows })
    }
}

/// `n` copies of `value` in memory that the kernel is asked to back with huge pages (2 MiB)
/// before it is written. The tables are read at random, a few places per feature key: in pages
/// of 4 KiB nearly every read would miss the processor's cache of page addresses (its TLB).
/// Asked for here, by the tables alone, huge pages need not be the allocator's for everything
/// else, whose pages are then taken only as they are used.
fn filled<T: Copy>(value: T, n: usize) -> Vec<T> {
    let mut vec = Vec::with_capacity(n);
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let begin = vec.as_ptr() as usize;
        let end = begin + n * std::mem::size_of::<T>();
        let (first, last) = (begin.next_multiple_of(HUGE), end / HUGE * HUGE);
        if last > first {
            // SAFETY: madvise only advises the kernel about pages of this vector's own
            // allocation, which it neither reads nor moves; a refusal leaves 4 KiB pages.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    last - first,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
    vec.resize(n, value);
    vec
}

/// How many keys [`Table::add`] looks up together.
const BATCH: usize = 32;

pub(crate) const MAGIC: &[u8; 8] = b"DSNER001";
/// A file of two models: the first pass, then the second, which reads the first pass's tags.
pub(crate) const MAGIC_TWO_PASS: &[u8; 8] = b"DSNER2PS";

impl<const N: usize> Table<N> {
    /// The table of `models`. A key a model holds twice keeps its first row, as a search from
    /// its home would find it.
    fn new(models: [Weights; N]) -> Option<Table<N>> {
        let largest = models.iter().map(|m| m.keys.len()).max().unwrap_or(0);
        let mut slots = filled(Slot::EMPTY, (largest * 2).next_power_of_two().max(2));
        let mut used = 0;
        for (m, model) in models.iter().enumerate() {
            for (row, &key) in model.keys.iter().enumerate() {
                if (used + 1) * 2 > slots.len() {
                    slots = Self::grown(&slots);
                }
                let at = Self::place(&slots, key);
                let slot = &mut slots[at];
                if slot.is_empty() {
                    slot.key = key;
                    used += 1;
                }
                if slot.rows[m] == 0 {
                    slot.rows[m] = u32::try_from(row + 1).ok()?;
                }
            }
        }
        Some(Table {
            slots,
            rows: models.map(|m| m.rows),
        })
    }

    /// A table of no features.
    fn empty() -> Table<N> {
        Table {
            slots: vec![Slot::EMPTY; 2],
            rows: std::array::from_fn(|_| Vec::new()),
        }
    }

    /// The index of the slot of `key` in `slots`, or of the empty one where it would go.
    fn place(slots: &[Slot<N>], key: u64) -> usize {
        let mask = slots.len() - 1;
        let mut at = key as usize & mask;
        while !slots[at].is_empty() && slots[at].key != key {
            at = (at + 1) & mask;
        }
        at
    }

    /// `slots` moved into a table twice as large.
    fn grown(slots: &[Slot<N>]) -> Vec<Slot<N>> {
        let mut larger = filled(Slot::EMPTY, slots.len() * 2);
        for slot in slots.iter().filter(|s| !s.is_empty()) {
            let at = Self::place(&larger, slot.key);
            larger[at] = *slot;
        }
        larger
    }

    /// The rows of `key` in each model (0 where it has none), searching from its home slot.
    fn find(&self, key: u64) -> [u32; N] {
        self.slots[Self::place(&self.slots, key)].rows
    }

    /// Adds the weights of `keys` in model `m` to `sums[m]`, for each model given a sum.
    ///
    /// A batch of keys is looked up in three sweeps: the home slot of each, then the search
    /// from there, then the rows found. The reads of a sweep do not wait on one another, so
    /// their cache misses overlap instead of following one after another; the table and rows
    /// are far larger than the processor's caches.
    ///
    /// Where the processor has AVX2 (checked when it runs: the binary stays built for any
    /// x86-64), the same code is compiled with it, and a row of 16-bit weights is widened
    /// and added 8 weights an instruction instead of 4.
    fn add(&self, keys: &[u64], sums: [Option<&mut [i32; TAGS]>; N]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, as checked just above.
            return unsafe { self.add_avx2(keys, sums) };
        }
        self.add_here(keys, sums);
    }

    /// [`Table::add`] compiled for processors with AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn add_avx2(&self, keys: &[u64], sums: [Option<&mut [i32; TAGS]>; N]) {
        self.add_here(keys, sums);
    }

    /// The body of [`Table::add`], inlined into each of its compilations.
    #[inline(always)]
    fn add_here(&self, keys: &[u64], mut sums: [Option<&mut [i32; TAGS]>; N]) {
        let wanted = sums.each_ref().map(Option::is_some);
        let mask = self.slots.len() - 1;
        // Summed here, then added to `sums`: in an array of its own, the sum of a model stays
        // in vector registers, 8 weights an instruction, where one behind a reference that
        // may be another model's is added a weight at a time.
        let mut totals = [[0i32; TAGS]; N];
        let mut homes = [Slot::EMPTY; BATCH];
        let mut found = [[0u32; N]; BATCH];
        for batch in keys.chunks(BATCH) {
            for (home, &key) in homes.iter_mut().zip(batch) {
                *home = self.slots[key as usize & mask];
            }
            let mut count = 0;
            for (home, &key) in homes.iter().zip(batch) {
                let mut rows = if home.is_empty() || home.key == key {
                    home.rows
                } else {
                    self.find(key)
                };
                for (row, &wanted) in rows.iter_mut().zip(&wanted) {
                    *row *= u32::from(wanted);
                }
                found[count] = rows;
                count += usize::from(rows != [0; N]);
            }
            for rows in &found[..count] {
                for ((total, &row), weights) in totals.iter_mut().zip(rows).zip(&self.rows) {
                    if row != 0 {
                        add_row(total, &weights[row as usize - 1]);
                    }
                }
            }
        }
        for (sum, total) in sums.iter_mut().zip(&totals) {
            if let Some(sum) = sum {
                add_row_sum(sum, total);
            }
        }
    }
}

/// Adds a row of weights to a sum.
#[inline(always)]
fn add_row(sum: &mut [i32; TAGS], row: &[i16; TAGS]) {
    for (s, &w) in sum.iter_mut().zip(row) {
        *s += i32::from(w);
    }
}

/// Adds one sum to another.
#[inline(always)]
fn add_row_sum(sum: &mut [i32; TAGS], other: &[i32; TAGS]) {
    for (s, &o) in sum.iter_mut().zip(other) {
        *s += o;
    }
}

impl Model {
    /// Reads a model written by [`super::train`]; `None` when the bytes are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Model> {
        Some(Model(Table::new([Weights::from_bytes(bytes)?])?))
    }

    /// Number of features with weights.
    pub fn features(&self) -> usize {
        self.0.rows[0].len()
    }
}

/// A model scoring one document (model `model` of a table of `N`), with the scores of every
/// token's static keys summed before decoding: they do not depend on the tags chosen, so
/// decoding looks up only the few keys that do. A common word's sums are left at zero: its tag
/// is decided by its role, and a beam adds the same static score to every hypothesis at a
/// token. It does not learn, so it leaves no keys for learning.
pub(crate) struct PassScorer<'m, const N: usize> {
    table: &'m Table<N>,
    model: usize,
    /// The sums of each token's static keys, by token index.
    statics: Vec<[i32; TAGS]>,
}

impl<'m> PassScorer<'m, 1> {
    /// Scores `parts` with `model`.
    pub(crate) fn new(model: &'m Model, parts: &DocumentParts) -> PassScorer<'m, 1> {
        let mut statics = vec![[0; TAGS]; parts.tokens.len()];
        let mut keys = Vec::with_capacity(128);
        for sentence in &parts.sentences {
            for i in sentence.clone() {
                if outside_only(parts.tokens[i].role) {
                    continue;
                }
                static_keys(parts, sentence, i, &mut keys);
                model.0.add(&keys, [Some(&mut statics[i])]);
            }
        }
        PassScorer {
            table: &model.0,
            model: 0,
            statics,
        }
    }
}

impl<'m> PassScorer<'m, 2> {
    /// The scorers of both passes over `parts`, before the first pass. A token's text keys
    /// are the same in both passes, so they are built once and summed with both models; the
    /// second scorer is complete once [`PassScorer::add_first_pass`] has added the rest.
    ///
    /// The keys of the word alone are summed once per word type, the others per token: the
    /// sums are of integers, so their order does not change them.
    ///
    /// With a `vocabulary` (that `parts` were prepared with, for these models), the word-only
    /// sums of the word types it keeps are taken once per process and thread instead.
    fn for_both_passes(
        models: &'m Models,
        parts: &DocumentParts,
        mut vocabulary: Option<&mut Vocabulary>,
    ) -> (PassScorer<'m, 2>, PassScorer<'m, 2>) {
        let table = &models.table;
        let mut first = vec![[0; TAGS]; parts.tokens.len()];
        let mut second = vec![[0; TAGS]; parts.tokens.len()];
        let mut words: Vec<Option<[[i32; TAGS]; 2]>> = vec![None; parts.word_types];
        let mut keys = Vec::with_capacity(128);
        for sentence in &parts.sentences {
            for i in sentence.clone() {
                if outside_only(parts.tokens[i].role) {
                    continue;
                }
                let word_type = parts.tokens[i].word_type as usize;
                let mut word_sums = || {
                    keys.clear();
                    text_keys_of(parts, sentence, i, TextKeys::Word, &mut keys);
                    let [mut word_first, mut word_second] = [[0; TAGS]; 2];
                    table.add(&keys, [Some(&mut word_first), Some(&mut word_second)]);
                    [word_first, word_second]
                };
                let [word_first, word_second] = *words[word_type].get_or_insert_with(|| {
                    let known = parts.known.get(word_type).copied().flatten();
                    match (vocabulary.as_deref_mut(), known) {
                        (Some(vocabulary), Some(known)) => {
                            *vocabulary.sums(known).get_or_insert_with(word_sums)
                        }
                        _ => word_sums(),
                    }
                });
                (first[i], second[i]) = (word_first, word_second);
                keys.clear();
                text_keys_of(parts, sentence, i, TextKeys::Context, &mut keys);
                table.add(&keys, [Some(&mut first[i]), Some(&mut second[i])]);
            }
        }
        (
            PassScorer {
                table,
                model: 0,
                statics: first,
            },
            PassScorer {
                table,
                model: 1,
                statics: second,
            },
        )
    }

    /// Adds the keys of the first pass's tags, once `parts` holds them, to the static sums.
    fn add_first_pass(&mut self, parts: &DocumentParts) {
        let mut keys = Vec::with_capacity(16);
        for sentence in &parts.sentences {
            for i in sentence.clone() {
                if outside_only(parts.tokens[i].role) {
                    continue;
                }
                keys.clear();
                first_pass_keys(parts, sentence, i, &mut keys);
                let mut sums = [None, None];
                sums[self.model] = Some(&mut self.statics[i]);
                self.table.add(&keys, sums);
            }
        }
    }
}

impl<const N: usize> Scorer for PassScorer<'_, N> {
    fn score(&self, keys: &[u64], scores: &mut [f32; TAGS]) {
        let mut sum = [0; TAGS];
        let mut sums = [const { None }; N];
        sums[self.model] = Some(&mut sum);
        self.table.add(keys, sums);
        for (s, total) in scores.iter_mut().zip(sum) {
            *s += total as f32;
        }
    }

    fn static_scores(
        &self,
        _parts: &DocumentParts,
        _sentence: &Range<usize>,
        i: usize,
        _keys: &mut Vec<u64>,
    ) -> [f32; TAGS] {
        self.statics[i].map(|total| total as f32)
    }
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Option<&'b [u8]> {
        let out = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(out)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

/// The embedded model file.
pub static MODEL_BYTES: &[u8] = include_bytes!("../../../models/ner.bin");

/// The two passes of a tagger, in one table.
pub struct Models {
    table: Table<2>,
    /// Whether these are the embedded models, whose word-only sums each thread keeps for the
    /// word types it meets (other models, those being cross-validated, come and go).
    embedded: bool,
}

impl Models {
    /// Reads a two-pass model file written by [`super::train`].
    pub fn from_bytes(bytes: &[u8]) -> Option<Models> {
        let mut reader = Reader { bytes, at: 0 };
        if reader.take(8)? != MAGIC_TWO_PASS {
            return None;
        }
        let first = reader.u64()? as usize;
        let first = Weights::from_bytes(reader.take(first)?)?;
        let second = Weights::from_bytes(bytes.get(reader.at..)?)?;
        Some(Models {
            table: Table::new([first, second])?,
            embedded: false,
        })
    }
}

/// The embedded model, read on first use. An unreadable model (never the case for a build from
/// the repository) gives a tagger that finds nothing rather than a panic.
pub static MODEL: LazyLock<Models> = LazyLock::new(|| Models {
    table: Models::from_bytes(MODEL_BYTES).map_or_else(Table::empty, |models| models.table),
    embedded: true,
});

/// One tagged name: a token range and its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagged {
    pub tokens: Range<usize>,
    pub kind: EntityType,
}

/// Tags a document with the embedded model.
pub fn tag_document(doc: &Document) -> Vec<Tagged> {
    tag_document_with(doc, &MODEL)
}

/// How the tags of a sentence are chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decoding {
    /// Left to right, the best tag at each token, every tag but "outside" first lowered by
    /// `name_bias` (precision before recall; 0 leaves the scores as they are).
    Greedy { name_bias: f32 },
    /// A beam of `width` partial tag sequences per sentence. With a `temperature`, a sequence
    /// is ranked by the sum of its tags' log-probabilities, each token's scores made into a
    /// distribution over the tags that may follow (divided by the temperature, then softmax);
    /// without one, by the sum of the raw scores. Every tag but "outside" is first lowered by
    /// `name_bias`, as in greedy decoding.
    Beam {
        width: usize,
        temperature: Option<f32>,
        name_bias: f32,
    },
}

/// The decoding the embedded tagger uses, chosen for its model by 5-fold cross-validation
/// (`docsift-train ner-cv --beam 2 --beam-temperatures … --name-biases …`; models/README.md): a
/// beam of two ranked by log-probabilities at temperature 2,000, every name tag first lowered by
/// 300 (both in the model's quantised units, so a retrained model is chosen for again). Typed F1
/// 91.41 greedy, 91.57 so.
pub const DECODING: Decoding = Decoding::Beam {
    width: 2,
    temperature: Some(2000.0),
    name_bias: 300.0,
};

/// Tags a document with `models` (a model being cross-validated, or the embedded one).
pub fn tag_document_with(doc: &Document, models: &Models) -> Vec<Tagged> {
    tag_document_decoded(doc, models, DECODING)
}

thread_local! {
    /// The word types met by the embedded models on this thread, with their word-only sums.
    static VOCABULARY: RefCell<Vocabulary> = RefCell::new(Vocabulary::default());
}

/// Tags a document with `models` and the given decoding.
pub fn tag_document_decoded(doc: &Document, models: &Models, decoding: Decoding) -> Vec<Tagged> {
    if models.embedded {
        VOCABULARY.with_borrow_mut(|vocabulary| {
            tag_with_vocabulary(doc, models, decoding, Some(vocabulary))
        })
    } else {
        tag_with_vocabulary(doc, models, decoding, None)
    }
}

/// [`tag_document_decoded`], with the word types of earlier documents in `vocabulary`.
fn tag_with_vocabulary(
    doc: &Document,
    models: &Models,
    decoding: Decoding,
    mut vocabulary: Option<&mut Vocabulary>,
) -> Vec<Tagged> {
    let mut parts = features::prepare_with(doc, vocabulary.as_deref_mut());
    for line in super::repair::title_case_lines(doc) {
        for token in &mut parts.tokens[line] {
            token.headline = true;
        }
    }
    let run = |parts: &DocumentParts, mut scorer: PassScorer<2>| match decoding {
        Decoding::Greedy { name_bias } => decode(parts, &mut scorer, None, name_bias),
        Decoding::Beam {
            width,
            temperature,
            name_bias,
        } => decode_beam(parts, &scorer, width, temperature, name_bias),
    };
    let (first, mut second) = PassScorer::for_both_passes(models, &parts, vocabulary);
    let tags = run(&parts, first);
    parts.set_first_pass(&tags);
    second.add_first_pass(&parts);
    let tags = run(&parts, second);
    spans(&tags)
}

/// Greedy tags for every sentence from one pass's model.
pub(crate) fn tag_pass(parts: &DocumentParts, model: &Model) -> Vec<u8> {
    decode(parts, &mut PassScorer::new(model, parts), None, 0.0)
}

/// One partial tag sequence of the beam: the tag before its last (the last is kept beside it),
/// its score, and where it came from (an index into the previous token's beam).
#[derive(Clone, Copy)]
struct Hypothesis {
    previous: u8,
    score: f32,
    back: usize,
}

/// Beam decoding of every sentence: the `width` best partial sequences are kept at each token,
/// two that end in the same two tags merged (their futures score alike). What the document
/// said earlier about a word is read as it stood at the sentence's start.
pub(crate) fn decode_beam<S: Scorer>(
    parts: &DocumentParts,
    scorer: &S,
    width: usize,
    temperature: Option<f32>,
    name_bias: f32,
) -> Vec<u8> {
    let width = width.max(1);
    let mut tags = vec![OUTSIDE; parts.tokens.len()];
    let mut history: KeyMap<[u16; 5]> = KeyMap::default();
    let mut static_buffer = Vec::with_capacity(128);
    let mut dynamic_buffer = Vec::with_capacity(16);
    // Per token of the sentence, `width` places: the beam before the token, each hypothesis
    // with its tag (one flat array, so that no token allocates).
    let mut beams: Vec<(Hypothesis, u8)> = Vec::new();
    let mut candidates: Vec<(Hypothesis, u8)> = Vec::new();
    let mut beam: Vec<(Hypothesis, u8)> = Vec::with_capacity(width);
    for sentence in &parts.sentences {
        beams.clear();
        let start = Hypothesis {
            previous: OUTSIDE,
            score: 0.0,
            back: 0,
        };
        beam.clear();
        beam.push((start, OUTSIDE));
        for i in sentence.clone() {
            let token = &parts.tokens[i];
            let capitalised = token.flags & (CAP | features::ALL_CAPS) != 0;
            let mut base = scorer.static_scores(parts, sentence, i, &mut static_buffer);
            let seen = if capitalised {
                history.get(&token.lower)
            } else {
                None
            };
            let last = i + 1 == sentence.end;
            let following = next_role(parts, sentence, i);
            // With log-probabilities, a common word's one fitting tag scores 0 whatever the
            // keys say.
            let scored = temperature.is_none() || !outside_only(token.role);
            if scored {
                // What the document said of the word is the same for every hypothesis.
                dynamic_buffer.clear();
                history_keys(token, seen, &mut dynamic_buffer);
                scorer.score(&dynamic_buffer, &mut base);
            }
            candidates.clear();
            for (back, (h, tag)) in beam.iter().enumerate() {
                let (previous, before_previous) = if i == sentence.start {
                    (OUTSIDE, OUTSIDE)
                } else {
                    (*tag, h.previous)
                };
                if !scored {
                    // A common word's one fitting tag, "outside", has log-probability 0.
                    if allowed(previous, OUTSIDE, last) {
                        let next = Hypothesis {
                            previous,
                            score: h.score,
                            back,
                        };
                        offer(&mut candidates, next, OUTSIDE);
                    }
                    continue;
                }
                let mut scores = base;
                dynamic_buffer.clear();
                tag_keys(token, previous, before_previous, &mut dynamic_buffer);
                scorer.score(&dynamic_buffer, &mut scores);
                for s in &mut scores[1..] {
                    *s -= name_bias;
                }
                let may: [bool; TAGS] = std::array::from_fn(|t| {
                    allowed(previous, t as u8, last) && fits(t as u8, token.role, following)
                });
                if let Some(temperature) = temperature {
                    let top = (0..TAGS)
                        .filter(|&t| may[t])
                        .map(|t| scores[t])
                        .fold(f32::NEG_INFINITY, f32::max);
                    let total: f32 = (0..TAGS)
                        .filter(|&t| may[t])
                        .map(|t| ((scores[t] - top) / temperature).exp())
                        .sum();
                    let norm = top / temperature + total.ln();
                    for s in &mut scores {
                        *s = *s / temperature - norm;
                    }
                }
                for (t, &score) in scores.iter().enumerate() {
                    if may[t] {
                        let next = Hypothesis {
                            previous,
                            score: h.score + score,
                            back,
                        };
                        offer(&mut candidates, next, t as u8);
                    }
                }
            }
            // No tag fits any hypothesis (a name opened before a joining word that a common
            // word follows): each goes on outside, as greedy decoding does.
            if candidates.is_empty() {
                candidates.extend(beam.iter().enumerate().map(|(back, (h, tag))| {
                    let previous = if i == sentence.start { OUTSIDE } else { *tag };
                    let h = Hypothesis {
                        previous,
                        score: h.score,
                        back,
                    };
                    (h, OUTSIDE)
                }));
            }
            // The `width` best, highest first, an earlier candidate before a later one of the
            // same score (a stable sort's order, without sorting the rest).
            beam.clear();
            for _ in 0..width.min(candidates.len()) {
                let mut best = 0;
                for (k, c) in candidates.iter().enumerate().skip(1) {
                    if c.0.score.total_cmp(&candidates[best].0.score).is_gt() {
                        best = k;
                    }
                }
                beam.push(candidates[best]);
                candidates[best].0.score = f32::NEG_INFINITY;
            }
            let kept = beams.len();
            beams.extend_from_slice(&beam);
            beams.resize(kept + width, beam[0]);
        }
        // Follow the best final hypothesis back: the beam after token k is the k-th of `beams`.
        let mut at = 0;
        for (k, i) in sentence.clone().enumerate().rev() {
            let (h, tag) = beams[k * width + at];
            tags[i] = tag;
            at = h.back;
        }
        for i in sentence.clone() {
            let token = &parts.tokens[i];
            if token.flags & (CAP | features::ALL_CAPS) != 0 && !token.headline {
                let count =
                    &mut history.entry(token.lower).or_default()[kind_of(tags[i]).unwrap_or(4)];
                *count = count.saturating_add(1);
            }
        }
    }
    tags
}

/// Adds hypothesis `next` with tag `t` to the beam's `candidates`, unless one that ends in the
/// same two tags scores as high (their futures score alike): the higher of the two is kept.
fn offer(candidates: &mut Vec<(Hypothesis, u8)>, next: Hypothesis, t: u8) {
    match candidates
        .iter_mut()
        .find(|(c, ct)| *ct == t && c.previous == next.previous)
    {
        Some(known) if known.0.score >= next.score => {}
        Some(known) => *known = (next, t),
        None => candidates.push((next, t)),
    }
}

/// What training gives decoding: the right tags, and by how much the right tag must outscore
/// every wrong one for the scorer not to learn (0 is the plain perceptron).
#[derive(Clone, Copy)]
pub(crate) struct Lesson<'a> {
    pub(crate) gold: &'a [u8],
    pub(crate) margin: f32,
}

/// Greedy decoding of every sentence; with a `lesson`, the scorer learns from each tag that
/// the right one did not beat by the lesson's margin. Every tag but "outside" is lowered by
/// `name_bias` ([`Decoding::Greedy`]).
pub(crate) fn decode<S: Scorer>(
    parts: &DocumentParts,
    scorer: &mut S,
    lesson: Option<Lesson<'_>>,
    name_bias: f32,
) -> Vec<u8> {
    let mut tags = vec![OUTSIDE; parts.tokens.len()];
    let mut history: KeyMap<[u16; 5]> = KeyMap::default();
    let mut static_buffer = Vec::with_capacity(128);
    let mut dynamic_buffer = Vec::with_capacity(16);
    for sentence in &parts.sentences {
        let (mut previous, mut before_previous) = (OUTSIDE, OUTSIDE);
        for i in sentence.clone() {
            let token = &parts.tokens[i];
            if lesson.is_none() && outside_only(token.role) {
                tags[i] = OUTSIDE;
                (before_previous, previous) = (previous, OUTSIDE);
                continue;
            }
            let capitalised = token.flags & (CAP | features::ALL_CAPS) != 0;
            let seen = if capitalised {
                history.get(&token.lower)
            } else {
                None
            };
            dynamic_keys(token, previous, before_previous, seen, &mut dynamic_buffer);
            let mut scores = scorer.static_scores(parts, sentence, i, &mut static_buffer);
            scorer.score(&dynamic_buffer, &mut scores);
            let last = i + 1 == sentence.end;
            let following = next_role(parts, sentence, i);
            let mut best = None;
            for (t, &score) in scores.iter().enumerate() {
                let t = t as u8;
                // Training's wrong tags start `margin` ahead: the gold tag must win by as much.
                let score = match lesson {
                    Some(lesson) if lesson.gold[i] != t => score + lesson.margin,
                    _ if t != OUTSIDE => score - name_bias,
                    _ => score,
                };
                if allowed(previous, t, last)
                    && (lesson.is_some() || fits(t, token.role, following))
                    && best.is_none_or(|(_, s)| score > s)
                {
                    best = Some((t, score));
                }
            }
            let predicted = best.map_or(OUTSIDE, |(t, _)| t);
            if let Some(lesson) = lesson {
                let truth = lesson.gold[i];
                if truth != predicted {
                    scorer.learn(&static_buffer, truth, predicted);
                    scorer.learn(&dynamic_buffer, truth, predicted);
                }
                scorer.tick();
            }
            if capitalised && !token.headline {
                let count =
                    &mut history.entry(token.lower).or_default()[kind_of(predicted).unwrap_or(4)];
                *count = count.saturating_add(1);
            }
            tags[i] = predicted;
            before_previous = previous;
            previous = predicted;
        }
    }
    tags
}

/// The names in a well-formed tag sequence.
pub(crate) fn spans(tags: &[u8]) -> Vec<Tagged> {
    let mut out = Vec::new();
    let mut begin = None;
    for (i, &t) in tags.iter().enumerate() {
        let Some(kind) = kind_of(t) else {
            begin = None;
            continue;
        };
        match position_of(t) {
            BEGIN => begin = Some(i),
            UNIT => out.push(Tagged {
                tokens: i..i + 1,
                kind: TYPES[kind],
            }),
            LAST => {
                if let Some(b) = begin.take() {
                    out.push(Tagged {
                        tokens: b..i + 1,
                        kind: TYPES[kind],
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// BILOU tags for token ranges of known types (the training data's gold names).
pub(crate) fn encode(n: usize, names: &[(Range<usize>, usize)]) -> Vec<u8> {
    let mut tags = vec![OUTSIDE; n];
    for (range, kind) in names {
        if range.len() == 1 {
            tags[range.start] = tag(*kind, UNIT);
        } else if !range.is_empty() {
            tags[range.start] = tag(*kind, BEGIN);
            for t in &mut tags[range.start + 1..range.end - 1] {
                *t = tag(*kind, INSIDE);
            }
            tags[range.end - 1] = tag(*kind, LAST);
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilou_round_trip() {
        let tags = encode(6, &[(0..2, 0), (3..4, 2), (4..6, 1)]);
        assert_eq!(
            spans(&tags),
            [
                Tagged {
                    tokens: 0..2,
                    kind: EntityType::Person
                },
                Tagged {
                    tokens: 3..4,
                    kind: EntityType::Location
                },
                Tagged {
                    tokens: 4..6,
                    kind: EntityType::Organization
                },
            ]
        );
    }

    #[test]
    fn transitions_keep_names_well_formed() {
        let b_per = tag(0, BEGIN);
        assert!(allowed(b_per, tag(0, LAST), false));
        assert!(!allowed(b_per, tag(1, LAST), false));
        assert!(!allowed(b_per, OUTSIDE, false));
        assert!(!allowed(OUTSIDE, tag(0, INSIDE), false));
        assert!(
            !allowed(OUTSIDE, b_per, true),
            "a name cannot begin on the last token"
        );
    }

    #[test]
    fn names_hold_no_common_lower_case_word() {
        let (any, joining, common) = (Role::Any, Role::Joining, Role::Common);
        let (b_org, i_org, l_org, u_org) =
            (tag(1, BEGIN), tag(1, INSIDE), tag(1, LAST), tag(1, UNIT));
        assert!(fits(OUTSIDE, common, Some(any)));
        assert!(!fits(u_org, common, None), "a common word is no name");
        assert!(!fits(l_org, common, None));
        assert!(
            !fits(b_org, any, Some(common)),
            "'Trump administration' is not one name"
        );
        assert!(fits(u_org, any, Some(common)));
        assert!(fits(b_org, any, Some(joining)), "'Bank of England'");
        assert!(fits(i_org, joining, Some(any)));
        assert!(!fits(l_org, joining, None), "a name does not end in 'of'");
        assert!(!fits(i_org, any, Some(common)));
    }

    #[test]
    fn a_lookup_sums_alike_however_it_was_compiled() {
        let models = Models::from_bytes(MODEL_BYTES).expect("the embedded model file");
        let doc = Document::new("Prime Minister Hun Sen met officials in Phnom Penh on Monday .");
        let parts = features::prepare(&doc);
        let mut keys = Vec::new();
        for sentence in &parts.sentences {
            for i in sentence.clone() {
                features::text_keys(&parts, sentence, i, &mut keys);
            }
        }
        let [mut first, mut second] = [[0; TAGS]; 2];
        models
            .table
            .add(&keys, [Some(&mut first), Some(&mut second)]);
        let [mut first_here, mut second_here] = [[0; TAGS]; 2];
        models
            .table
            .add_here(&keys, [Some(&mut first_here), Some(&mut second_here)]);
        assert_eq!((first, second), (first_here, second_here));
        assert_ne!(first, [0; TAGS]);
    }

    #[test]
    fn the_embedded_models_tag_as_the_same_models_read_again() {
        let fresh = Models::from_bytes(MODEL_BYTES).expect("the embedded model file");
        let texts = [
            "Prime Minister Hun Sen met officials in Phnom Penh on Monday .",
            "Hun Sen said on Monday that the officials in Phnom Penh would meet again .",
            "Sen met Sam Rainsy 's party , the Cambodia National Rescue Party ( CNRP ) .",
        ];
        for text in texts {
            let doc = Document::new(text);
            assert_eq!(
                tag_document(&doc),
                tag_document_with(&doc, &fresh),
                "{text}"
            );
        }
    }

    #[test]
    fn a_beam_one_wide_tags_as_greedy_decoding() {
        let models = Models::from_bytes(MODEL_BYTES).expect("the embedded model file");
        let text = "Prime Minister Hun Sen met officials in Phnom Penh on Monday , and the \
                    Cambodia National Rescue Party said it would go to the Supreme Court .\n\
                    Sam Rainsy , who lives in Paris , told Reuters the ruling was political .";
        let doc = Document::new(text);
        let greedy = tag_document_decoded(&doc, &models, Decoding::Greedy { name_bias: 0.0 });
        assert!(greedy.len() >= 5, "{greedy:?}");
        assert_eq!(
            tag_document_decoded(
                &doc,
                &models,
                Decoding::Beam {
                    width: 1,
                    temperature: None,
                    name_bias: 0.0
                }
            ),
            greedy
        );
    }

    #[test]
    fn the_embedded_model_tags_a_plain_sentence() {
        let doc = Document::new("Prime Minister Hun Sen met officials in Phnom Penh on Monday .");
        let found = tag_document(&doc);
        let names: Vec<(&str, EntityType)> = found
            .iter()
            .map(|t| {
                let span = crate::analysis::Span::new(
                    doc.tokens[t.tokens.start].span.begin,
                    doc.tokens[t.tokens.end - 1].span.end,
                );
                (doc.slice(span), t.kind)
            })
            .collect();
        assert!(
            names.contains(&("Hun Sen", EntityType::Person)),
            "{names:?}"
        );
        assert!(
            names.contains(&("Phnom Penh", EntityType::Location)),
            "{names:?}"
        );
    }
}
