// The evidence viewer in a real browser. tests/test_viewer.py serves the built package on loopback with a
// harness page that holds this script and EXPECTED (the evidence rows and raw texts, from the tables); the
// script loads each viewer page into a same-origin iframe, checks its DOM, follows links, and writes what
// it found as JSON into #result, which the test reads from Chromium's --dump-dom.
"use strict";

const codePoints = (text) => Array.from(text).length; // evidence offsets count code points, JS strings UTF-16 units

function load(frame, url) {
  return new Promise((resolve) => {
    frame.onload = () => resolve(frame.contentDocument);
    frame.src = url;
  });
}

function navigated(frame) {
  return new Promise((resolve) => { frame.onload = () => resolve(frame.contentDocument); });
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 50));

function rgb(value) {
  const m = value.match(/rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/);
  return m ? { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] } : null;
}

function luminance({ r, g, b }) {
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

// The colour behind an element: its own background, else the nearest ancestor's that is not transparent.
function background(win, element) {
  for (let e = element; e; e = e.parentElement) {
    const colour = rgb(win.getComputedStyle(e).backgroundColor);
    if (colour && colour.a > 0) return colour;
  }
  return { r: 255, g: 255, b: 255, a: 1 };
}

// Code points of the <pre> text before `element` starts.
function offsetOf(doc, pre, element) {
  const range = doc.createRange();
  range.setStart(pre, 0);
  range.setEndBefore(element);
  return codePoints(range.toString());
}

function inViewport(win, element) {
  const rect = element.getBoundingClientRect();
  return rect.bottom > 0 && rect.top < win.innerHeight && rect.right > 0 && rect.left < win.innerWidth;
}

async function checkPage(frame, page) {
  const doc = await load(frame, page.url);
  const win = frame.contentWindow;
  const problems = [];
  const fail = (message) => problems.push(message);
  const pre = doc.querySelector("pre.raw");
  if (!pre) return { url: page.url, problems: ["no <pre class=raw>"] };
  if (pre.textContent !== page.text) fail("the <pre> text is not the raw text");
  if (doc.documentElement.lang !== "en") fail(`<html lang=${doc.documentElement.lang}>`);
  if (pre.getAttribute("lang") !== page.language) fail(`<pre lang=${pre.getAttribute("lang")}>`);
  if (doc.querySelector("script")) fail("the page has a script");
  if (win.getComputedStyle(pre).whiteSpace !== "pre-wrap") fail(`white-space: ${win.getComputedStyle(pre).whiteSpace}`);

  const classes = {};
  let continuations = 0;
  for (const e of page.evidence) {
    const heads = doc.querySelectorAll(`[id="${CSS.escape(e.anchor)}"]`);
    if (heads.length !== 1 || heads[0].tagName !== "MARK") { fail(`${e.anchor}: ${heads.length} elements with its id`); continue; }
    const head = heads[0];
    classes[e.anchor] = Array.from(head.classList).sort();
    if (!pre.contains(head)) fail(`${e.anchor}: outside the text`);
    if (head.dataset.start !== String(e.start) || head.dataset.end !== String(e.end)) {
      fail(`${e.anchor}: data-start/end ${head.dataset.start}-${head.dataset.end}, not ${e.start}-${e.end}`);
    }
    const pieces = [head, ...doc.querySelectorAll(`[data-part-of="${CSS.escape(e.anchor)}"]`)];
    continuations += pieces.length - 1;
    const text = pieces.map((p) => p.textContent).join("");
    if (text !== e.excerpt) fail(`${e.anchor}: highlighted ${JSON.stringify(text)}, excerpt ${JSON.stringify(e.excerpt)}`);
    let at = e.start;
    for (const piece of pieces) {   // one head at the excerpt's offset, pieces following on without a gap
      const offset = offsetOf(doc, pre, piece);
      if (offset !== at) fail(`${e.anchor}: a piece starts at ${offset}, not ${at}`);
      at = offset + codePoints(piece.textContent);
    }
    if (at !== e.end) fail(`${e.anchor}: highlight ends at ${at}, not ${e.end}`);
    const ref = head.firstElementChild;
    if (!ref || !ref.matches("a.ref") || ref.textContent !== "") { fail(`${e.anchor}: no empty a.ref first`); continue; }
    if (ref.getAttribute("href") !== `#${e.record_anchor}`) fail(`${e.anchor}: links to ${ref.getAttribute("href")}`);
    const label = ref.getAttribute("aria-label") || "";
    if (!label.startsWith("Excerpt ") || !label.includes(e.table_title)) fail(`${e.anchor}: aria-label ${label}`);
    const record = doc.getElementById(e.record_anchor);
    if (!record || !record.matches("article.record")) fail(`${e.anchor}: no record ${e.record_anchor}`);
    else if (!record.querySelector(`a[href="#${CSS.escape(e.anchor)}"]`)) fail(`${e.record_anchor}: no link back to ${e.anchor}`);
  }

  const backLinks = {};
  for (const article of doc.querySelectorAll("article.record")) {
    backLinks[article.id] = Array.from(article.querySelectorAll('a[href^="#ev-"]'), (a) => a.getAttribute("href").slice(1));
  }

  // Contrast of every text the page shows (the pills' text is their ::before content).
  let lowest = { ratio: 99, what: "" };
  const measure = (element, pseudo, what) => {
    const style = win.getComputedStyle(element, pseudo);
    const bg = pseudo && rgb(style.backgroundColor).a > 0 ? rgb(style.backgroundColor) : background(win, element);
    const ratio = contrast(rgb(style.color), bg);
    if (ratio < lowest.ratio) lowest = { ratio, what };
  };
  for (const element of doc.querySelectorAll("mark, a:not(.ref), .badge, .rnum, dt, dd, h1, h2, h3, h4, h5, p, blockquote, li, code")) {
    measure(element, null, `${element.tagName.toLowerCase()}.${element.className}`);
  }
  for (const ref of doc.querySelectorAll("a.ref")) measure(ref, "::before", `pill ${ref.parentElement.className}`);

  // Keyboard focus is visible: an outline of at least 2px on a highlight's link and on a record's link.
  const focus = {};
  for (const [what, element] of [["ref", doc.querySelector("a.ref")], ["back", doc.querySelector("article.record a")]]) {
    element.focus();
    const style = win.getComputedStyle(element);
    const rect = element.getBoundingClientRect();
    focus[what] = doc.activeElement === element && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
      && rect.width > 0 && rect.height > 0;
    element.blur();
  }

  // Follow a highlight's link to its record, then the record's link back to the highlight.
  const follow = {};
  if (page.follow) {
    const head = doc.getElementById(page.follow.anchor);
    head.scrollIntoView({ block: "center" });   // where a reader who clicks it has it
    await tick();
    follow.highlight_in_view_before = inViewport(win, head);
    head.firstElementChild.click();
    await tick();
    const record = doc.getElementById(page.follow.record_anchor);
    follow.to_record = win.location.hash === `#${page.follow.record_anchor}` && doc.querySelector(":target") === record;
    follow.record_in_view = inViewport(win, record);
    follow.highlight_still_in_view = inViewport(win, head);   // the records pane scrolls on its own
    record.querySelector(`a[href="#${CSS.escape(page.follow.anchor)}"]`).click();
    await tick();
    follow.back = win.location.hash === `#${page.follow.anchor}` && doc.querySelector(":target") === head;
    follow.highlight_in_view = inViewport(win, head);
    follow.target_outline = win.getComputedStyle(head).outlineStyle !== "none";
  }
  return { url: page.url, problems, classes, continuations, backLinks, contrast: lowest, focus, follow,
           marks: pre.querySelectorAll("mark").length };
}

async function checkIndex(frame, index) {
  const doc = await load(frame, index.url);
  const links = Array.from(doc.querySelectorAll("table.documents tbody a"), (a) => a.getAttribute("href"));
  const first = doc.querySelector(`a[href="${CSS.escape(index.follow)}"]`);
  const arrived = navigated(frame);
  first.click();
  const page = await arrived;
  return { links, followed_title: page.querySelector("h1").textContent, lang: doc.documentElement.lang,
           // a JSON-LD block is data (the schema.org Dataset), not a script that runs
           scripts: doc.querySelectorAll('script:not([type="application/ld+json"])').length,
           jsonld: doc.querySelectorAll('script[type="application/ld+json"]').length };
}

(async () => {
  const frame = document.getElementById("frame");
  const result = { pages: [] };
  try {
    for (const page of EXPECTED.pages) result.pages.push(await checkPage(frame, page));
    result.index = await checkIndex(frame, EXPECTED.index);
  } catch (error) {
    result.error = `${error}\n${error.stack}`;
  }
  document.getElementById("result").textContent = JSON.stringify(result);
})();
