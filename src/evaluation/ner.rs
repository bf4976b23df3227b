//! Entity predictions for `score_ner.py`: every proper mention as a span labelled with its
//! entity's type.

use serde_json::{Value, json};

use super::{code_point_map, code_points};
use crate::analysis::{self, Features, MentionKind, Options, Span};

/// The prediction line for one gold document (`{"id", "text", ...}`).
pub fn predict(id: &str, text: &str) -> Value {
    let options = Options {
        features: Features {
            entities: true,
            ..Features::default()
        },
        language_hint: Some("en".into()),
    };
    let map = code_point_map(text);
    let entities = match analysis::analyze(text, &options) {
        Ok(analysis) => analysis
            .entities
            .iter()
            .flat_map(|entity| {
                entity
                    .mentions
                    .iter()
                    .filter(|m| m.kind == MentionKind::Proper)
                    .map(|m| {
                        let (start, end) = code_points(&map, m.span);
                        json!({"start": start, "end": end, "label": entity.kind.as_str(),
                               "text": m.span.text(text)})
                    })
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    json!({"id": id, "entities": entities})
}

/// The prediction line for one document whose names are already known as byte spans with
/// their type numbers (the held-out documents of cross-validation).
pub fn names_line(id: &Value, text: &str, names: &[Name]) -> Value {
    let map = code_point_map(text);
    let entities: Vec<Value> = names
        .iter()
        .map(|&(begin, end, kind)| {
            let (start, end) = code_points(&map, Span { begin, end });
            json!({"start": start, "end": end, "label": LABELS[kind]})
        })
        .collect();
    json!({"id": id, "entities": entities})
}

/// The scorer's labels, in the tagger's type order.
pub const LABELS: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];

/// The type number of a label as `score_ner.py` maps it: PERSON → PER, LOCATION or GPE → LOC,
/// anything unknown → MISC.
pub fn label_index(label: &str) -> usize {
    match label.to_uppercase().as_str() {
        "PER" | "PERSON" => 0,
        "ORG" | "ORGANIZATION" | "ORGANISATION" => 1,
        "LOC" | "LOCATION" | "GPE" => 2,
        _ => 3,
    }
}

/// Exact-span scores per type, as `score_ner.py` counts them, and where the errors are: a gold
/// name found with the wrong type, found with wrong edges (a prediction overlaps it), or missed;
/// a predicted name that overlaps no gold name is spurious.
#[derive(Debug, Clone, Default)]
pub struct Score {
    /// Per type: right, predicted, gold.
    typed: [[usize; 3]; 4],
    /// Right spans whatever the type, predicted, gold.
    untyped: [usize; 3],
    /// Per gold type: wrong type, wrong boundary, missed; per predicted type: spurious.
    errors: [[usize; 4]; 4],
}

/// A name: begin, end (any unit, the same for gold and prediction), type number.
pub type Name = (usize, usize, usize);

impl Score {
    /// Adds one document's gold and predicted names (duplicates count once).
    pub fn add(&mut self, gold: &[Name], predicted: &[Name]) {
        let gold: std::collections::BTreeSet<Name> = gold.iter().copied().collect();
        let predicted: std::collections::BTreeSet<Name> = predicted.iter().copied().collect();
        let gold_spans: std::collections::BTreeSet<(usize, usize)> =
            gold.iter().map(|&(b, e, _)| (b, e)).collect();
        let predicted_spans: std::collections::BTreeSet<(usize, usize)> =
            predicted.iter().map(|&(b, e, _)| (b, e)).collect();
        self.untyped[0] += gold_spans.intersection(&predicted_spans).count();
        self.untyped[1] += predicted_spans.len();
        self.untyped[2] += gold_spans.len();
        let overlaps = |(b, e): (usize, usize), others: &std::collections::BTreeSet<Name>| {
            others.iter().any(|&(ob, oe, _)| ob < e && b < oe)
        };
        for &(b, e, kind) in &gold {
            self.typed[kind][2] += 1;
            if predicted.contains(&(b, e, kind)) {
                self.typed[kind][0] += 1;
            } else if predicted_spans.contains(&(b, e)) {
                self.errors[kind][0] += 1;
            } else if overlaps((b, e), &predicted) {
                self.errors[kind][1] += 1;
            } else {
                self.errors[kind][2] += 1;
            }
        }
        for &(b, e, kind) in &predicted {
            self.typed[kind][1] += 1;
            if !overlaps((b, e), &gold) {
                self.errors[kind][3] += 1;
            }
        }
    }

    /// Adds another score's counts.
    pub fn merge(&mut self, other: &Score) {
        for (mine, theirs) in self.typed.iter_mut().zip(&other.typed) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
        for (a, b) in self.untyped.iter_mut().zip(&other.untyped) {
            *a += b;
        }
        for (mine, theirs) in self.errors.iter_mut().zip(&other.errors) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
    }

    fn f1([right, predicted, gold]: [usize; 3]) -> f64 {
        if right == 0 {
            return 0.0;
        }
        let (p, r) = (right as f64 / predicted as f64, right as f64 / gold as f64);
        2.0 * p * r / (p + r)
    }

    /// Micro-averaged typed F1 over the four types.
    pub fn typed_f1(&self) -> f64 {
        let mut sum = [0; 3];
        for counts in &self.typed {
            for (s, c) in sum.iter_mut().zip(counts) {
                *s += c;
            }
        }
        Self::f1(sum)
    }

    /// Typed F1 of one type (a number of [`LABELS`]).
    pub fn type_f1(&self, kind: usize) -> f64 {
        Self::f1(self.typed[kind])
    }

    /// F1 of the spans whatever their types.
    pub fn untyped_f1(&self) -> f64 {
        Self::f1(self.untyped)
    }

    /// One line of F1 figures: typed, per type, untyped.
    pub fn summary(&self) -> String {
        let mut line = format!("typed F1 {:.2}", 100.0 * self.typed_f1());
        for (kind, label) in LABELS.iter().enumerate() {
            line.push_str(&format!(" {label} {:.2}", 100.0 * self.type_f1(kind)));
        }
        line.push_str(&format!(" untyped {:.2}", 100.0 * self.untyped_f1()));
        line
    }

    /// A table of the errors per type.
    pub fn confusion(&self) -> String {
        let mut out =
            String::from("type   gold   right  wrong-type  wrong-boundary  missed  spurious\n");
        for (kind, label) in LABELS.iter().enumerate() {
            let [wrong_type, boundary, missed, spurious] = self.errors[kind];
            out.push_str(&format!(
                "{label:<5} {:>5} {:>7} {wrong_type:>11} {boundary:>15} {missed:>7} {spurious:>9}\n",
                self.typed[kind][2], self.typed[kind][0],
            ));
        }
        out
    }
}

/// Scores prediction lines (from [`predict`]) against the gold lines they were made from.
pub fn score_lines(gold: &[Value], predicted: &[Value]) -> Score {
    let names = |document: &Value| -> Vec<Name> {
        document["entities"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| {
                Some((
                    e["start"].as_u64()? as usize,
                    e["end"].as_u64()? as usize,
                    label_index(e["label"].as_str().unwrap_or("")),
                ))
            })
            .collect()
    };
    let by_id: std::collections::HashMap<&str, &Value> = predicted
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let mut score = Score::default();
    for document in gold {
        let id = document["id"].as_str().unwrap_or_default();
        let predicted = by_id.get(id).map(|p| names(p)).unwrap_or_default();
        score.add(&names(document), &predicted);
    }
    score
}

/// The summary and the error table of prediction lines against gold lines (JSON text), for
/// `docsift eval ner` to print beside its predictions.
pub fn report(gold: &[String], predicted: &[String]) -> String {
    let parse = |lines: &[String]| -> Vec<Value> {
        lines
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    };
    let score = score_lines(&parse(gold), &parse(predicted));
    format!("{}\n{}", score.summary(), score.confusion())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_sorted_by_kind() {
        let mut score = Score::default();
        // Gold: a person (right), an organisation typed as a place, a place cut short, a
        // missed name; predicted also one name where there is none.
        let gold = [(0, 5, 0), (10, 15, 1), (20, 30, 2), (40, 45, 3)];
        let predicted = [(0, 5, 0), (10, 15, 2), (20, 25, 2), (50, 55, 1)];
        score.add(&gold, &predicted);
        let [per, org, loc, misc] = score.errors;
        assert_eq!(per, [0, 0, 0, 0]);
        assert_eq!(org, [1, 0, 0, 1]);
        assert_eq!(loc, [0, 1, 0, 0]);
        assert_eq!(misc, [0, 0, 1, 0]);
        assert!((score.typed_f1() - 0.25).abs() < 1e-9);
        assert!((score.untyped_f1() - 0.5).abs() < 1e-9);
    }

    #[test]
    fn labels_map_as_the_scorer_maps_them() {
        assert_eq!(label_index("PERSON"), 0);
        assert_eq!(label_index("GPE"), 2);
        assert_eq!(label_index("EVENT"), 3);
    }
}
