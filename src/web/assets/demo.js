// The docsift demo page: sends the pasted article to docsift.v1.Analyzer/Analyze over gRPC-Web
// (a protobuf message in a length-prefixed frame, POSTed with fetch) and draws the answer the way
// `docsift analyze --format html` does (src/render/html.rs): the same elements, classes and ids,
// so the same style sheet and the same browser test apply to both.
"use strict";

// ---- protobuf: the few messages the page needs, written and read by field number ----

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function varint(out, value) {
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
}

function lengthDelimited(out, field, bytes) {
  varint(out, (field << 3) | 2);
  varint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

// AnalyzeRequest { document: Document { id = 1, text = 2 } = 1, offset_unit = 3 }, with UTF-16
// offsets so that spans index JavaScript strings directly.
function encodeAnalyzeRequest(id, text) {
  const document = [];
  lengthDelimited(document, 1, utf8.encode(id));
  lengthDelimited(document, 2, utf8.encode(text));
  const request = [];
  lengthDelimited(request, 1, document);
  varint(request, (3 << 3) | 0);
  varint(request, 2); // OffsetUnit.UTF16
  return Uint8Array.from(request);
}

class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = 0;
  }
  done() {
    return this.at >= this.bytes.length;
  }
  // A varint as a Number (exact below 2^53) and its low 32 bits as a signed int32.
  varint() {
    let value = 0;
    let low = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.at >= this.bytes.length) throw new Error("truncated protobuf varint");
      const b = this.bytes[this.at++];
      value += (b & 0x7f) * 2 ** shift;
      if (shift < 32) low = (low + (b & 0x7f) * 2 ** shift) % 2 ** 32;
      if (b < 0x80) return { value, int32: low | 0 };
    }
  }
  // Reads every field of a message: fields[number](reader, wireType).
  message(fields) {
    while (!this.done()) {
      const key = this.varint().value;
      const field = Math.floor(key / 8);
      const wireType = key & 7;
      const read = fields[field];
      if (read) {
        read(this, wireType);
      } else {
        this.skip(wireType);
      }
    }
  }
  skip(wireType) {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.at += 8;
    else if (wireType === 2) {
      const length = this.varint().value; // first: reading the varint moves `this.at`
      this.at += length;
    }
    else if (wireType === 5) this.at += 4;
    else throw new Error("unsupported protobuf wire type " + wireType);
  }
  bytesField() {
    const length = this.varint().value;
    const slice = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return slice;
  }
  string() {
    return fromUtf8.decode(this.bytesField());
  }
  float() {
    const value = this.view.getFloat32(this.at, true);
    this.at += 4;
    return value;
  }
  nested(decode) {
    return decode(new Reader(this.bytesField()));
  }
}

function decodeSpan(r) {
  const span = { begin: 0, end: 0 };
  r.message({ 1: (r) => (span.begin = r.varint().value), 2: (r) => (span.end = r.varint().value) });
  return span;
}

function decodeLanguage(r) {
  const l = { code: "", bcp47: "", name: "", script: "", confidence: 0, reliable: false };
  r.message({
    1: (r) => (l.code = r.string()),
    2: (r) => (l.bcp47 = r.string()),
    3: (r) => (l.name = r.string()),
    4: (r) => (l.script = r.string()),
    5: (r) => (l.confidence = r.float()),
    6: (r) => (l.reliable = r.varint().value !== 0),
  });
  return l;
}

function decodeMention(r) {
  const m = { text: "", span: null, kind: 0 };
  r.message({
    1: (r) => (m.text = r.string()),
    2: (r) => (m.span = r.nested(decodeSpan)),
    3: (r) => (m.kind = r.varint().value),
  });
  return m;
}

function decodeEntity(r) {
  const e = { name: "", type: 0, salience: 0, mentions: [] };
  r.message({
    1: (r) => (e.name = r.string()),
    2: (r) => (e.type = r.varint().value),
    3: (r) => (e.salience = r.float()),
    4: (r) => e.mentions.push(r.nested(decodeMention)),
  });
  return e;
}

function decodeSpeaker(r) {
  const s = { name: "", entityIndex: 0, span: null };
  r.message({
    1: (r) => (s.name = r.string()),
    2: (r) => (s.entityIndex = r.varint().int32),
    3: (r) => (s.span = r.nested(decodeSpan)),
  });
  return s;
}

function decodeCue(r) {
  const c = { text: "", span: null };
  r.message({ 1: (r) => (c.text = r.string()), 2: (r) => (c.span = r.nested(decodeSpan)) });
  return c;
}

function decodeQuote(r) {
  const q = { text: "", span: null, kind: 0, speaker: null, cue: null, confidence: 0 };
  r.message({
    1: (r) => (q.text = r.string()),
    2: (r) => (q.span = r.nested(decodeSpan)),
    3: (r) => (q.kind = r.varint().value),
    4: (r) => (q.speaker = r.nested(decodeSpeaker)),
    5: (r) => (q.cue = r.nested(decodeCue)),
    6: (r) => (q.confidence = r.float()),
  });
  return q;
}

function decodeStats(r) {
  const s = { characters: 0, words: 0, sentences: 0, paragraphs: 0 };
  r.message({
    1: (r) => (s.characters = r.varint().value),
    2: (r) => (s.words = r.varint().value),
    3: (r) => (s.sentences = r.varint().value),
    4: (r) => (s.paragraphs = r.varint().value),
  });
  return s;
}

function decodeAnalyzeResponse(r) {
  const a = { id: "", language: null, entities: [], quotes: [], stats: null, cacheHit: false };
  r.message({
    1: (r) => (a.id = r.string()),
    2: (r) => (a.language = r.nested(decodeLanguage)),
    3: (r) => a.entities.push(r.nested(decodeEntity)),
    4: (r) => a.quotes.push(r.nested(decodeQuote)),
    5: (r) => (a.stats = r.nested(decodeStats)),
    6: (r) => (a.cacheHit = r.varint().value !== 0),
  });
  return a;
}

// ---- gRPC-Web: one unary call ----

class GrpcError extends Error {
  constructor(code, message) {
    super(message || "gRPC status " + code);
    this.code = code;
  }
}

async function callAnalyze(id, text) {
  const message = encodeAnalyzeRequest(id, text);
  const frame = new Uint8Array(5 + message.length);
  new DataView(frame.buffer).setUint32(1, message.length);
  frame.set(message, 5);
  const response = await fetch("docsift.v1.Analyzer/Analyze", {
    method: "POST",
    headers: {
      "content-type": "application/grpc-web+proto",
      "x-grpc-web": "1",
      "x-user-agent": "docsift-demo",
    },
    body: frame,
  });
  if (!response.ok) throw new GrpcError(-1, "HTTP " + response.status);
  // An error without a body comes in the headers ("trailers-only").
  let status = response.headers.get("grpc-status");
  let statusMessage = response.headers.get("grpc-message") || "";
  const body = new Uint8Array(await response.arrayBuffer());
  let answer = null;
  for (let at = 0; at + 5 <= body.length; ) {
    const flags = body[at];
    const length = new DataView(body.buffer, body.byteOffset + at + 1, 4).getUint32(0);
    const payload = body.subarray(at + 5, at + 5 + length);
    at += 5 + length;
    if (flags & 0x80) {
      for (const line of fromUtf8.decode(payload).split("\r\n")) {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === "grpc-status") status = value;
        if (name === "grpc-message") statusMessage = value;
      }
    } else {
      answer = decodeAnalyzeResponse(new Reader(payload));
    }
  }
  if (status !== "0") {
    throw new GrpcError(Number(status), decodeURIComponent(statusMessage));
  }
  if (!answer) throw new GrpcError(-1, "no message in the answer");
  return answer;
}

// ---- drawing: the same document as src/render/html.rs makes ----

const ENTITY_TYPES = {
  1: ["person", "Person"],
  2: ["organization", "Organisation"],
  3: ["location", "Place"],
  4: ["misc", "Other name"],
};
const PRONOUN = 2;
const PARTIAL = 2;

function entityType(value) {
  return ENTITY_TYPES[value] || ["misc", "Unknown"];
}

function element(name, attributes, ...children) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function validSpan(text, span) {
  return span && span.begin < span.end && span.end <= text.length ? span : null;
}

function languageLine(l) {
  if (!l || !l.code || l.code === "und") return "undetermined";
  return `${l.name} (${l.code}, ${l.bcp47}), ${l.script} script, confidence ${l.confidence.toFixed(2)}, ${l.reliable ? "reliable" : "not reliable"}`;
}

function abridge(text, max) {
  const flat = text.split(/\s+/).filter(Boolean).join(" ");
  const chars = Array.from(flat);
  return chars.length <= max ? flat : chars.slice(0, max).join("").trimEnd() + "…";
}

function drawAnalysis(prefix, text, a) {
  const title = a.id || "Document";
  let meta = "";
  if (a.stats) {
    meta += ` · ${a.stats.words} words, ${a.stats.sentences} sentences, ${a.stats.paragraphs} paragraphs`;
  }
  meta += ` · ${a.entities.length} entities, ${a.quotes.length} quotes`;
  const textSection = element("section", { class: "text", "aria-label": "Text of " + title });
  drawMarkedText(textSection, prefix, text, a);
  const aside = element("aside");
  drawSpeakers(aside, prefix, text, a);
  drawEntities(aside, prefix, a);
  return element(
    "article",
    { class: "analysis", id: prefix, "aria-labelledby": prefix + "-title" },
    element("h2", { id: prefix + "-title" }, title),
    element(
      "p",
      { class: "meta" },
      "Language: ",
      element("span", { class: "language" }, languageLine(a.language)),
      meta,
    ),
    element("div", { class: "columns" }, textSection, aside),
  );
}

function drawMarkedText(container, prefix, text, a) {
  const marks = [];
  const mentionAt = new Map();
  a.entities.forEach((entity, e) => {
    entity.mentions.forEach((mention, m) => {
      const span = validSpan(text, mention.span);
      if (!span) return;
      mentionAt.set(span.begin + ":" + span.end, `${prefix}-e${e}-m${m}`);
      marks.push({ span, kind: "mention", e, m });
    });
  });
  a.quotes.forEach((quote, q) => {
    const span = validSpan(text, quote.span);
    if (span) marks.push({ span, kind: "quote", q });
    const by = validSpan(text, quote.speaker && quote.speaker.span);
    if (by && !mentionAt.has(by.begin + ":" + by.end)) marks.push({ span: by, kind: "speaker", q });
  });
  // Outer marks first: by start, then the longer one; quotes before mentions of equal span.
  marks.sort(
    (x, y) =>
      x.span.begin - y.span.begin ||
      y.span.end - x.span.end ||
      (x.kind === "quote" ? 0 : 1) - (y.kind === "quote" ? 0 : 1),
  );

  let at = 0;
  const open = [{ end: Infinity, node: container, quote: null }];
  const close = () => {
    const innermost = open.pop();
    innermost.node.append(text.slice(at, innermost.end));
    at = innermost.end;
    const parent = open[open.length - 1].node;
    parent.append(innermost.node);
    if (innermost.quote !== null) {
      const link = speakerLink(prefix, text, innermost.quote, a.quotes[innermost.quote].speaker, mentionAt);
      if (link) parent.append(link);
    }
  };
  for (const mark of marks) {
    while (open.length > 1 && open[open.length - 1].end <= mark.span.begin) close();
    if (mark.span.begin < at || mark.span.end > open[open.length - 1].end) continue;
    open[open.length - 1].node.append(text.slice(at, mark.span.begin));
    at = mark.span.begin;
    let node;
    let quote = null;
    if (mark.kind === "mention") {
      const entity = a.entities[mark.e];
      const [cls, typeName] = entityType(entity.type);
      const pronoun = entity.mentions[mark.m].kind === PRONOUN ? " pronoun" : "";
      node = element("mark", {
        class: `entity ${cls}${pronoun}`,
        id: `${prefix}-e${mark.e}-m${mark.m}`,
        "data-entity": `${prefix}-e${mark.e}`,
        title: `${typeName}: ${entity.name}`,
      });
    } else if (mark.kind === "quote") {
      const q = a.quotes[mark.q];
      const partial = q.kind === PARTIAL;
      const said = q.speaker ? "said by " + q.speaker.name : "no speaker found";
      node = element("span", {
        class: partial ? "quote partial" : "quote",
        id: `${prefix}-q${mark.q}`,
        title: `${partial ? "Partial" : "Direct"} quote, ${said}`,
      });
      quote = mark.q;
    } else {
      node = element("span", { class: "speaker-name", id: `${prefix}-q${mark.q}-by` });
    }
    open.push({ end: mark.span.end, node, quote });
  }
  while (open.length > 1) close();
  container.append(text.slice(at));
}

function speakerLink(prefix, text, q, speaker, mentionAt) {
  if (!speaker) return null;
  let target = null;
  const span = validSpan(text, speaker.span);
  if (span) target = mentionAt.get(span.begin + ":" + span.end) || `${prefix}-q${q}-by`;
  else if (speaker.entityIndex >= 0) target = `${prefix}-e${speaker.entityIndex}`;
  if (!target) return null;
  return element(
    "a",
    { class: "speaker-link", href: "#" + target, "aria-label": "said by " + speaker.name },
    speaker.name,
  );
}

function drawSpeakers(aside, prefix, text, a) {
  if (a.quotes.length === 0) return;
  const groups = [];
  const same = (s, t) =>
    s.entityIndex >= 0 || t.entityIndex >= 0 ? s.entityIndex === t.entityIndex : s.name === t.name;
  a.quotes.forEach((quote, q) => {
    const group = groups.find((g) =>
      g.speaker && quote.speaker ? same(g.speaker, quote.speaker) : !g.speaker && !quote.speaker,
    );
    if (group) group.quotes.push(q);
    else groups.push({ speaker: quote.speaker, quotes: [q] });
  });
  const list = element("ul");
  for (const group of groups) {
    const s = group.speaker;
    const name = !s
      ? element("em", {}, "No speaker found")
      : s.entityIndex >= 0
        ? element("a", { href: `#${prefix}-e${s.entityIndex}` }, s.name)
        : s.name;
    const quotes = element("ol", { class: "speaker-quotes" });
    for (const q of group.quotes) {
      const quote = a.quotes[q];
      const span = validSpan(text, quote.span);
      const shown = span ? text.slice(span.begin, span.end) : quote.text;
      quotes.append(element("li", {}, element("a", { href: `#${prefix}-q${q}` }, abridge(shown, 140))));
    }
    list.append(element("li", { class: "speaker" }, name, quotes));
  }
  aside.append(
    element(
      "section",
      { class: "speakers", "aria-labelledby": prefix + "-speakers" },
      element("h3", { id: prefix + "-speakers" }, "Speakers and their quotes"),
      list,
    ),
  );
}

function drawEntities(aside, prefix, a) {
  if (a.entities.length === 0) return;
  const list = element("ol");
  a.entities.forEach((entity, e) => {
    const [cls, typeName] = entityType(entity.type);
    const count = entity.mentions.length;
    list.append(
      element(
        "li",
        { id: `${prefix}-e${e}` },
        element("span", { class: "swatch " + cls }, typeName),
        " ",
        element("a", { href: `#${prefix}-e${e}-m0` }, entity.name),
        " ",
        element(
          "span",
          { class: "salience" },
          `${entity.salience.toFixed(2)} · ${count} mention${count === 1 ? "" : "s"}`,
        ),
      ),
    );
  });
  aside.append(
    element(
      "section",
      { class: "entities", "aria-labelledby": prefix + "-entities" },
      element("h3", { id: prefix + "-entities" }, "Entities by salience"),
      list,
    ),
  );
}

// ---- the page ----

function start() {
  const form = document.getElementById("analyze-form");
  const article = document.getElementById("article");
  const status = document.getElementById("status");
  const result = document.getElementById("result");
  let documentId = "Pasted article";

  article.addEventListener("input", () => (documentId = "Pasted article"));
  article.addEventListener("dragover", (event) => {
    event.preventDefault();
    article.classList.add("dragging");
  });
  article.addEventListener("dragleave", () => article.classList.remove("dragging"));
  article.addEventListener("drop", async (event) => {
    event.preventDefault();
    article.classList.remove("dragging");
    const file = event.dataTransfer.files[0];
    if (!file) return;
    article.value = await file.text();
    documentId = file.name;
    form.requestSubmit();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = article.value;
    status.textContent = "Analysing…";
    status.removeAttribute("data-error");
    const started = performance.now();
    try {
      const answer = await callAnalyze(documentId, text);
      const answered = performance.now();
      result.replaceChildren(drawAnalysis("d0", text, answer));
      const drawn = performance.now();
      // For people, and for whoever measures the page.
      window.docsiftTiming = { answerMs: answered - started, drawMs: drawn - answered };
      status.textContent =
        `${answer.entities.length} entities and ${answer.quotes.length} quotes: answered in ` +
        `${Math.round(answered - started)} ms${answer.cacheHit ? " (from the cache)" : ""}, ` +
        `drawn in ${Math.round(drawn - answered)} ms.`;
    } catch (error) {
      status.dataset.error = "true";
      status.textContent = "docsift could not analyse this: " + error.message;
    }
  });
}

document.addEventListener("DOMContentLoaded", start);
