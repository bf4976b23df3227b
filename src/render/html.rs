//! An analysis as a self-contained HTML page: the text with every entity mention marked by type
//! (colour and underline style, with a legend), every quote marked and linked to where its
//! speaker is named, and beside it the speakers with their quotes and the entities by salience.
//!
//! The page loads nothing (its Content-Security-Policy forbids scripts and every fetch), and every
//! piece of the document is escaped, so a document that contains `<script>` shows it as text.
//!
//! Ids are prefixed per document (`d0-`, `d1-`, …) so that one page can hold many: the entity
//! `d0-e3`, its mention `d0-e3-m1`, the quote `d0-q2`, a speaker named outside any mention
//! `d0-q2-by`.

use std::collections::HashMap;
use std::fmt::Write;

use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};

use super::{STYLE_SHEET, byte_range, entity_type, language_line};
use crate::proto::{self as pb, MentionKind, QuoteKind};

/// The start of a page, up to and including the legend; documents follow, then [`page_end`].
pub fn page_start(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{title}</title>\n<style>\n{STYLE_SHEET}</style>\n</head>\n\
         <body class=\"docsift\">\n<main>\n<h1>{title}</h1>\n{legend}",
        title = esc(title),
        legend = legend(),
    )
}

/// The end of a page.
pub fn page_end() -> &'static str {
    "</main>\n</body>\n</html>\n"
}

/// The key to the marks: entity types and quotes.
pub fn legend() -> String {
    let mut out = String::from("<ul class=\"legend\" aria-label=\"Legend\">\n");
    for (class, name) in [
        ("person", "Person"),
        ("organization", "Organisation"),
        ("location", "Place"),
        ("misc", "Other name"),
    ] {
        let _ = writeln!(out, "<li><span class=\"swatch {class}\">{name}</span></li>");
    }
    out.push_str(
        "<li><span class=\"swatch quote\">“Quote”</span> \
         <span class=\"speaker-link\">speaker</span></li>\n</ul>\n",
    );
    out
}

/// A document that could not be analysed, in its place among the others.
pub fn error(source: &str, message: &str) -> String {
    format!(
        "<section class=\"analysis error-record\" role=\"alert\">\n<h2>{}</h2>\n<p>{}</p>\n</section>\n",
        esc(source),
        esc(message)
    )
}

/// One document's analysis as an `<article>`; `prefix` makes its ids unique in the page.
/// `response` must have UTF-8 offsets into `text`.
pub fn analysis(prefix: &str, text: &str, response: &pb::AnalyzeResponse) -> String {
    let title = if response.id.is_empty() {
        "Document"
    } else {
        &response.id
    };
    let mut out = String::with_capacity(text.len() * 2 + 4096);
    let _ = write!(
        out,
        "<article class=\"analysis\" id=\"{prefix}\" aria-labelledby=\"{prefix}-title\">\n\
         <h2 id=\"{prefix}-title\">{}</h2>\n<p class=\"meta\">Language: <span class=\"language\">{}</span>",
        esc(title),
        esc(&language_line(response.language.as_ref())),
    );
    if let Some(stats) = &response.stats {
        let _ = write!(
            out,
            " · {} words, {} sentences, {} paragraphs",
            stats.words, stats.sentences, stats.paragraphs
        );
    }
    let _ = write!(
        out,
        " · {} entities, {} quotes</p>\n<div class=\"columns\">\n\
         <section class=\"text\" aria-label=\"Text of {}\">",
        response.entities.len(),
        response.quotes.len(),
        attr(title)
    );
    marked_text(&mut out, prefix, text, response);
    out.push_str("</section>\n<aside>\n");
    speakers(&mut out, prefix, text, response);
    entities(&mut out, prefix, response);
    out.push_str("</aside>\n</div>\n</article>\n");
    out
}

/// Something drawn over the text.
enum Mark {
    Mention {
        entity: usize,
        mention: usize,
    },
    Quote(usize),
    /// Where a quote's speaker is named when no mention is drawn there.
    SpeakerName(usize),
}

/// The text with its marks: quotes outside, mentions inside. A mark that would cross another's
/// boundary is left out rather than drawn half (it does not happen on the spans the engine makes).
fn marked_text(out: &mut String, prefix: &str, text: &str, response: &pb::AnalyzeResponse) {
    let mut marks: Vec<(std::ops::Range<usize>, Mark)> = Vec::new();
    let mut mention_at: HashMap<(usize, usize), String> = HashMap::new();
    for (e, entity) in response.entities.iter().enumerate() {
        for (m, mention) in entity.mentions.iter().enumerate() {
            if let Some(range) = byte_range(text, mention.span.as_ref()) {
                mention_at.insert((range.start, range.end), format!("{prefix}-e{e}-m{m}"));
                marks.push((
                    range,
                    Mark::Mention {
                        entity: e,
                        mention: m,
                    },
                ));
            }
        }
    }
    for (q, quote) in response.quotes.iter().enumerate() {
        if let Some(range) = byte_range(text, quote.span.as_ref()) {
            marks.push((range, Mark::Quote(q)));
        }
        let speaker_span = quote.speaker.as_ref().and_then(|s| s.span.as_ref());
        if let Some(range) = byte_range(text, speaker_span)
            && !mention_at.contains_key(&(range.start, range.end))
        {
            marks.push((range, Mark::SpeakerName(q)));
        }
    }
    // Outer marks first: by start, then the longer one; quotes before mentions of equal span.
    marks.sort_by_key(|(range, mark)| {
        (
            range.start,
            std::cmp::Reverse(range.end),
            !matches!(mark, Mark::Quote(_)),
        )
    });

    let mut at = 0;
    let mut open: Vec<Open> = Vec::new();
    for (range, mark) in &marks {
        while let Some(innermost) = open.last() {
            if innermost.end > range.start {
                break;
            }
            close(out, prefix, text, &mut at, innermost, &mention_at, response);
            open.pop();
        }
        if range.start < at || open.last().is_some_and(|o| range.end > o.end) {
            continue;
        }
        out.push_str(&esc(&text[at..range.start]));
        at = range.start;
        match *mark {
            Mark::Mention { entity, mention } => {
                let e = &response.entities[entity];
                let (class, type_name) = entity_type(e.r#type);
                let pronoun = e.mentions[mention].kind == MentionKind::Pronoun as i32;
                let _ = write!(
                    out,
                    "<mark class=\"entity {class}{}\" id=\"{prefix}-e{entity}-m{mention}\" \
                     data-entity=\"{prefix}-e{entity}\" title=\"{type_name}: {}\">",
                    if pronoun { " pronoun" } else { "" },
                    attr(&e.name)
                );
                open.push(Open::new(range.end, "</mark>", None));
            }
            Mark::Quote(q) => {
                let quote = &response.quotes[q];
                let partial = quote.kind == QuoteKind::Partial as i32;
                let speaker = quote.speaker.as_ref().map_or_else(
                    || "no speaker found".to_owned(),
                    |s| format!("said by {}", s.name),
                );
                let _ = write!(
                    out,
                    "<span class=\"quote{}\" id=\"{prefix}-q{q}\" title=\"{} quote, {}\">",
                    if partial { " partial" } else { "" },
                    if partial { "Partial" } else { "Direct" },
                    attr(&speaker)
                );
                open.push(Open::new(range.end, "</span>", Some(q)));
            }
            Mark::SpeakerName(q) => {
                let _ = write!(out, "<span class=\"speaker-name\" id=\"{prefix}-q{q}-by\">");
                open.push(Open::new(range.end, "</span>", None));
            }
        }
    }
    while let Some(innermost) = open.pop() {
        close(
            out,
            prefix,
            text,
            &mut at,
            &innermost,
            &mention_at,
            response,
        );
    }
    out.push_str(&esc(&text[at..]));
}

/// A mark drawn but not yet closed.
struct Open {
    end: usize,
    closing_tag: &'static str,
    /// The quote it is, for the speaker link after it.
    quote: Option<usize>,
}

impl Open {
    fn new(end: usize, closing_tag: &'static str, quote: Option<usize>) -> Self {
        Self {
            end,
            closing_tag,
            quote,
        }
    }
}

/// Writes the text up to the end of `mark` and closes it; a quote is followed by its speaker
/// link.
fn close(
    out: &mut String,
    prefix: &str,
    text: &str,
    at: &mut usize,
    mark: &Open,
    mention_at: &HashMap<(usize, usize), String>,
    response: &pb::AnalyzeResponse,
) {
    out.push_str(&esc(&text[*at..mark.end]));
    *at = mark.end;
    out.push_str(mark.closing_tag);
    let Some(q) = mark.quote else {
        return;
    };
    if let Some(speaker) = &response.quotes[q].speaker
        && let Some(target) = speaker_target(prefix, text, q, speaker, mention_at)
    {
        let _ = write!(
            out,
            "<a class=\"speaker-link\" href=\"#{target}\" aria-label=\"said by {name}\">{name}</a>",
            name = attr(&speaker.name)
        );
    }
}

/// The id a quote's speaker link points to: the mention where the speaker is named for this
/// quote, else where that name is drawn, else the speaker's entity in the side list.
fn speaker_target(
    prefix: &str,
    text: &str,
    q: usize,
    speaker: &pb::Speaker,
    mention_at: &HashMap<(usize, usize), String>,
) -> Option<String> {
    if let Some(range) = byte_range(text, speaker.span.as_ref()) {
        return Some(
            mention_at
                .get(&(range.start, range.end))
                .cloned()
                .unwrap_or_else(|| format!("{prefix}-q{q}-by")),
        );
    }
    (speaker.entity_index >= 0).then(|| format!("{prefix}-e{}", speaker.entity_index))
}

/// The speakers, in order of their first quote, each with its quotes linked to the text.
fn speakers(out: &mut String, prefix: &str, text: &str, response: &pb::AnalyzeResponse) {
    if response.quotes.is_empty() {
        return;
    }
    // Quotes by speaker: the entity when there is one, else the name; `None` for no speaker.
    let mut groups: Vec<(Option<&pb::Speaker>, Vec<usize>)> = Vec::new();
    for (q, quote) in response.quotes.iter().enumerate() {
        let same = |s: &&pb::Speaker, t: &pb::Speaker| {
            if s.entity_index >= 0 || t.entity_index >= 0 {
                s.entity_index == t.entity_index
            } else {
                s.name == t.name
            }
        };
        let group = groups.iter_mut().find(|(s, _)| match (s, &quote.speaker) {
            (Some(s), Some(t)) => same(s, t),
            (None, None) => true,
            _ => false,
        });
        match group {
            Some((_, quotes)) => quotes.push(q),
            None => groups.push((quote.speaker.as_ref(), vec![q])),
        }
    }
    let _ = write!(
        out,
        "<section class=\"speakers\" aria-labelledby=\"{prefix}-speakers\">\n\
         <h3 id=\"{prefix}-speakers\">Speakers and their quotes</h3>\n<ul>\n"
    );
    for (speaker, quotes) in groups {
        out.push_str("<li class=\"speaker\">");
        match speaker {
            Some(s) if s.entity_index >= 0 => {
                let _ = write!(
                    out,
                    "<a href=\"#{prefix}-e{}\">{}</a>",
                    s.entity_index,
                    esc(&s.name)
                );
            }
            Some(s) => out.push_str(&esc(&s.name)),
            None => out.push_str("<em>No speaker found</em>"),
        }
        out.push_str("\n<ol class=\"speaker-quotes\">\n");
        for q in quotes {
            let quote = &response.quotes[q];
            let shown = byte_range(text, quote.span.as_ref())
                .map_or(quote.text.as_str(), |range| &text[range]);
            let _ = writeln!(
                out,
                "<li><a href=\"#{prefix}-q{q}\">{}</a></li>",
                esc(&abridge(shown, 140))
            );
        }
        out.push_str("</ol></li>\n");
    }
    out.push_str("</ul>\n</section>\n");
}

/// The entities by salience, each linked to its first mention.
fn entities(out: &mut String, prefix: &str, response: &pb::AnalyzeResponse) {
    if response.entities.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<section class=\"entities\" aria-labelledby=\"{prefix}-entities\">\n\
         <h3 id=\"{prefix}-entities\">Entities by salience</h3>\n<ol>\n"
    );
    for (e, entity) in response.entities.iter().enumerate() {
        let (class, type_name) = entity_type(entity.r#type);
        let count = entity.mentions.len();
        let _ = writeln!(
            out,
            "<li id=\"{prefix}-e{e}\"><span class=\"swatch {class}\">{type_name}</span> \
             <a href=\"#{prefix}-e{e}-m0\">{}</a> <span class=\"salience\">{:.2} · {count} mention{}</span></li>",
            esc(&entity.name),
            entity.salience,
            if count == 1 { "" } else { "s" }
        );
    }
    out.push_str("</ol>\n</section>\n");
}

/// `text` on one line, cut at about `max` characters with an ellipsis.
pub(super) fn abridge(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::text::OffsetUnit;
    use crate::analysis::{Options, analyze};
    use crate::proto::analysis_to_proto;

    fn rendered(text: &str) -> (pb::AnalyzeResponse, String) {
        let result = analyze(text, &Options::default()).expect("analyses");
        let mut response = analysis_to_proto(text, &result, OffsetUnit::Utf8);
        response.id = "doc <1>".to_owned();
        let html = analysis("d0", text, &response);
        (response, html)
    }

    #[test]
    fn markup_in_the_document_is_shown_as_text() {
        let text = "<script>alert(\"x\")</script> “We remain friends & allies,” Phay Siphan \
                    said in Phnom Penh. <img src=x onerror=alert(1)>";
        let (_, html) = rendered(text);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(\"x\")&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("friends &amp; allies"), "{html}");
        assert!(
            html.contains("<h2 id=\"d0-title\">doc &lt;1&gt;</h2>"),
            "{html}"
        );
    }

    #[test]
    fn every_mention_and_quote_is_marked_and_the_speaker_linked() {
        let text = "Phay Siphan, a government spokesman, spoke in Phnom Penh on Thursday.\n\n\
                    “We remain friends,” he said. “The Cambodia National Rescue Party is \
                    finished.”";
        let (response, html) = rendered(text);
        let mentions: usize = response.entities.iter().map(|e| e.mentions.len()).sum();
        assert!(mentions >= 3, "{response:?}");
        assert_eq!(html.matches("<mark class=\"entity").count(), mentions);
        assert_eq!(html.matches("</mark>").count(), mentions);
        assert_eq!(response.quotes.len(), 2, "{response:?}");
        assert_eq!(html.matches("<span class=\"quote").count(), 2);
        // Both quotes have a speaker: the first links to "he", the second (carried over) to
        // the speaker's entry among the entities.
        assert!(response.quotes.iter().all(|q| q.speaker.is_some()));
        assert_eq!(html.matches("class=\"speaker-link\"").count(), 2, "{html}");
        assert!(
            html.contains("aria-label=\"said by Phay Siphan\""),
            "{html}"
        );
        for link in html.split("class=\"speaker-link\" href=\"#").skip(1) {
            let target = &link[..link.find('"').expect("closed attribute")];
            assert!(
                html.contains(&format!("id=\"{target}\"")),
                "{target} is drawn"
            );
        }
        // The text reads the same once the marks are taken away.
        let without_links: String = html
            .split("<a class=\"speaker-link\"")
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    &part[part.find("</a>").expect("closed") + 4..]
                }
            })
            .collect();
        let body = &without_links[without_links.find("<section class=\"text\"").expect("text")..];
        let body = &body[body.find('>').expect("tag") + 1..body.find("</section>").expect("end")];
        let mut plain = String::new();
        let mut in_tag = false;
        for c in body.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => plain.push(c),
                _ => {}
            }
        }
        assert_eq!(html_escape::decode_html_entities(&plain), text);
    }

    #[test]
    fn spans_off_the_text_are_drawn_as_plain_text() {
        let text = "Angela Merkel spoke.";
        let (mut response, _) = rendered(text);
        response.entities[0].mentions[0].span = Some(pb::Span { begin: 3, end: 400 });
        let html = analysis("d1", text, &response);
        assert!(html.contains("Angela Merkel spoke."), "{html}");
        assert!(!html.contains("<mark"), "{html}");
    }
}
