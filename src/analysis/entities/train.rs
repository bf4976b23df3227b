//! Training the tagger: an averaged perceptron over the same features and greedy decoding that
//! tagging uses, so training sees its own mistakes in the tag history as tagging will.
//!
//! Deterministic: documents are shuffled each epoch by a fixed-seed generator, and the model
//! file lists features in key order. Weights are averaged, pruned of the smallest and quantised
//! to 16 bits, which keeps the embedded model a few megabytes.

use std::collections::HashMap;
use std::ops::Range;

use super::features::{self, DocumentParts, TAGS};
use super::tagger::{self, MAGIC, MAGIC_TWO_PASS, Model, Scorer};
use crate::analysis::text::Document;

/// One training document: its text and its names as byte spans with a type number
/// (0 PER, 1 ORG, 2 LOC, 3 MISC).
pub struct Example {
    pub text: String,
    pub names: Vec<(usize, usize, usize)>,
}

/// How to train.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Passes over the training documents.
    pub epochs: usize,
    /// Averaged weights smaller than this are dropped from the model.
    pub prune: f32,
    /// Folds of the jackknife that makes the second pass's training input.
    pub folds: usize,
    /// By how much the right tag must outscore every wrong one before a token teaches
    /// nothing (0: the plain perceptron, which learns only from mistakes).
    pub margin: f32,
}

/// What a training run did.
#[derive(Debug, Default)]
pub struct Report {
    pub documents: usize,
    pub tokens: usize,
    pub names: usize,
    /// Names whose edges fall inside a token of this tokenizer, left out of training.
    pub unaligned: usize,
    pub features: usize,
    pub kept: usize,
    /// Training-set token accuracy per epoch (with the weights as they were during the epoch).
    pub accuracy: Vec<f64>,
}

#[derive(Default)]
struct Perceptron {
    index: HashMap<u64, u32>,
    weights: Vec<[f32; TAGS]>,
    /// Sum over updates of (time × change), for the lazy average w − totals / time.
    totals: Vec<[f64; TAGS]>,
    time: f64,
}

impl Scorer for Perceptron {
    fn score(&self, keys: &[u64], scores: &mut [f32; TAGS]) {
        for key in keys {
            if let Some(&row) = self.index.get(key) {
                for (s, w) in scores.iter_mut().zip(&self.weights[row as usize]) {
                    *s += w;
                }
            }
        }
    }

    fn learn(&mut self, keys: &[u64], gold: u8, predicted: u8) {
        for &key in keys {
            let next = self.weights.len() as u32;
            let row = *self.index.entry(key).or_insert(next) as usize;
            if row == self.weights.len() {
                self.weights.push([0.0; TAGS]);
                self.totals.push([0.0; TAGS]);
            }
            self.weights[row][usize::from(gold)] += 1.0;
            self.weights[row][usize::from(predicted)] -= 1.0;
            self.totals[row][usize::from(gold)] += self.time;
            self.totals[row][usize::from(predicted)] -= self.time;
        }
    }

    fn tick(&mut self) {
        self.time += 1.0;
    }
}

/// Trains both passes of the tagger and returns the model file's bytes.
///
/// The second pass learns from first-pass tags that are as wrong as they will be on new text:
/// each training document's first-pass tags come from a model trained without it (`folds`-fold
/// jackknife), never from the model that saw it.
pub fn train(examples: &[Example], settings: Settings) -> (Vec<u8>, Report) {
    let mut report = Report::default();
    let mut prepared = Vec::with_capacity(examples.len());
    for example in examples {
        let doc = Document::new(&example.text);
        let mut names: Vec<(Range<usize>, usize)> = Vec::new();
        for &(begin, end, kind) in &example.names {
            report.names += 1;
            let first = doc.tokens.partition_point(|t| t.span.begin < begin);
            let last = doc.tokens.partition_point(|t| t.span.end <= end);
            let aligned = first < last
                && doc.tokens[first].span.begin == begin
                && doc.tokens[last - 1].span.end == end
                && doc
                    .sentences
                    .iter()
                    .any(|s| s.tokens.start <= first && last <= s.tokens.end);
            if aligned {
                names.push((first..last, kind));
            } else {
                report.unaligned += 1;
            }
        }
        let gold = tagger::encode(doc.tokens.len(), &names);
        report.tokens += doc.tokens.len();
        prepared.push((features::prepare(&doc), gold));
    }
    report.documents = prepared.len();

    let folds = settings.folds.max(2);
    let mut first_pass: Vec<Vec<u8>> = vec![Vec::new(); prepared.len()];
    for fold in 0..folds {
        let train_on: Vec<usize> = (0..prepared.len()).filter(|d| d % folds != fold).collect();
        let (bytes, _) = train_pass(&prepared, &train_on, settings, &mut Vec::new());
        let model = Model::from_bytes(&bytes).expect("a model just written reads back");
        for d in (0..prepared.len()).filter(|d| d % folds == fold) {
            first_pass[d] = tagger::tag_pass(&prepared[d].0, &model);
        }
    }
    let all: Vec<usize> = (0..prepared.len()).collect();
    let (first, _) = train_pass(&prepared, &all, settings, &mut Vec::new());
    for ((parts, _), tags) in prepared.iter_mut().zip(&first_pass) {
        parts.set_first_pass(tags);
    }
    let (second, counts) = train_pass(&prepared, &all, settings, &mut report.accuracy);
    (report.features, report.kept) = counts;
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC_TWO_PASS);
    out.extend_from_slice(&(first.len() as u64).to_le_bytes());
    out.extend_from_slice(&first);
    out.extend_from_slice(&second);
    (out, report)
}

/// Trains one pass on the documents `train_on`; returns the model's bytes and its feature
/// counts (all, kept).
fn train_pass(
    prepared: &[(DocumentParts, Vec<u8>)],
    train_on: &[usize],
    settings: Settings,
    accuracy: &mut Vec<f64>,
) -> (Vec<u8>, (usize, usize)) {
    let mut perceptron = Perceptron::default();
    let mut order: Vec<usize> = train_on.to_vec();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..settings.epochs {
        // Fisher–Yates with a fixed-seed xorshift: the same order on every run.
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        let (mut right, mut all) = (0usize, 0usize);
        for &d in &order {
            let (parts, gold) = &prepared[d];
            let lesson = tagger::Lesson {
                gold,
                margin: settings.margin,
            };
            let predicted = tagger::decode(parts, &mut perceptron, Some(lesson), 0.0);
            right += predicted.iter().zip(gold).filter(|(p, g)| p == g).count();
            all += gold.len();
        }
        accuracy.push(right as f64 / all.max(1) as f64);
    }

    // Average, prune, quantise.
    let time = perceptron.time.max(1.0);
    let mut averaged: Vec<(u64, [f32; TAGS])> = perceptron
        .index
        .iter()
        .map(|(&key, &row)| {
            let row = row as usize;
            let mut w = [0f32; TAGS];
            for (t, x) in w.iter_mut().enumerate() {
                *x = (f64::from(perceptron.weights[row][t]) - perceptron.totals[row][t] / time)
                    as f32;
            }
            (key, w)
        })
        .collect();
    let features = averaged.len();
    averaged.sort_by_key(|&(key, _)| key);
    let largest = averaged
        .iter()
        .flat_map(|(_, w)| w.iter().map(|x| x.abs()))
        .fold(0f32, f32::max)
        .max(f32::MIN_POSITIVE);
    let scale = f32::from(i16::MAX) / largest;
    let mut kept: Vec<(u64, u32, Vec<i16>)> = Vec::new();
    for (key, w) in &averaged {
        let mut present = 0u32;
        let mut values = Vec::new();
        for (t, &x) in w.iter().enumerate() {
            if x.abs() >= settings.prune {
                let q = (x * scale).round() as i16;
                if q != 0 {
                    present |= 1 << t;
                    values.push(q);
                }
            }
        }
        if present != 0 {
            kept.push((*key, present, values));
        }
    }
    let counts = (features, kept.len());
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(TAGS as u32).to_le_bytes());
    out.extend_from_slice(&(kept.len() as u32).to_le_bytes());
    for (key, _, _) in &kept {
        out.extend_from_slice(&key.to_le_bytes());
    }
    for (_, present, values) in &kept {
        out.extend_from_slice(&present.to_le_bytes());
        for v in values {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    (out, counts)
}
