// List your circle: the form, made from the schema by the build, writes the circle's record here in
// the browser. It checks what can be checked with the validator's own rules (handed over by the
// page), previews the listing, shows the exact YAML and opens GitHub's new-file page filled in with
// it. Every word shown comes translated from the page (data-messages); what a librarian types is
// only ever set as text, never as HTML.

// YAML, written out by hand so that it reads back exactly as typed, by the rules of
// plugins/circles/records/yamlwriter.py (circles new writes records with those): change both
// together; tests/records/test_yamlwriter.py runs both on the same strings. Plain scalars only
// where no YAML reader (1.1 or 1.2) could take them for anything but text: NO, on, 18:00, 0123,
// 1e3 and 2027-01-12 are quoted; so are values with ": " or " #", or not starting with a letter or
// a digit. Lines of text go in a literal block, long prose in a folded one.

const KEYWORDS = new Set(["y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"]);
// Digits, then only what numbers, times and timestamps are made of (hex digits, _:.,+- TtZz, x and o).
const NUMBER_LIKE = /^[0-9][0-9a-fA-F_:.,+\- TtZzXxOo]*$/;
// Python's str.isprintable() is false for these: Unicode's C and Z categories, the space aside.
const INVISIBLE = /(?! )[\p{C}\p{Z}]/u;
const INVISIBLES = /(?! )[\p{C}\p{Z}]/gu;
const INTEGER = /^(0|[1-9][0-9]*)$/;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const DATE = /^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}$/; // year 0 is no date to Python or the validator
// Prose longer than this is folded, in lines of at most WIDTH characters, so that a diff shows what changed.
const FOLD_AFTER = 80;
const WIDTH = 88;

const length = (text) => [...text].length; // in characters, as Python counts them

function plain(text, flow) {
  return /^[\p{L}\p{N}]/u.test(text) && !text.endsWith(" ") && !text.endsWith(":") && !INVISIBLE.test(text)
    && !text.includes(": ") && !text.includes(" #") && !KEYWORDS.has(text.toLowerCase()) && !NUMBER_LIKE.test(text)
    && !(flow && /[,?[\]{}:#]/.test(text));
}

// A literal block keeps the lines of Markdown (lists, paragraphs) exactly as written.
function literal(text) {
  return text.includes("\n") && !/^[ \n]|[ \n]$/.test(text) && !INVISIBLE.test(text.replaceAll("\n", ""));
}

function escape(c) {
  const code = c.codePointAt(0);
  return code <= 0xffff ? `\\u${code.toString(16).padStart(4, "0")}` : `\\U${code.toString(16).padStart(8, "0")}`;
}

/** A string as a YAML scalar: plain when safe, a literal block for lines of text, else double-quoted. */
export function yamlString(text, { flow = false, indent = "" } = {}) {
  if (plain(text, flow)) return text;
  if (!flow && literal(text)) return `|-${text.split("\n").map((line) => (line ? `\n${indent}  ${line}` : "\n")).join("")}`;
  // JSON's escapes are YAML's; every invisible character is escaped too, so that a reviewer sees it.
  return JSON.stringify(text).replace(INVISIBLES, escape);
}

/** A value of an integer, number or date field that every reader takes as one. */
function canonical(value, type) {
  return (type === "integer" && INTEGER.test(value)) || (type === "number" && NUMBER.test(value))
    || (type === "boolean" && (value === "true" || value === "false")) || (type === "date" && isDate(value));
}

/** A value as a YAML scalar for a field of the schema's type: canonical numbers and dates plain. */
export function yamlScalar(value, type, options) {
  return canonical(value, type) ? value : yamlString(value, options);
}

// Long prose a folded block gives back exactly: one line, single spaces, nothing invisible.
function foldable(text) {
  return length(text) > FOLD_AFTER && !INVISIBLE.test(text) && text === text.split(" ").filter(Boolean).join(" ");
}

// Lines of at most WIDTH characters, broken at spaces only; a longer word stands alone (Python's textwrap.wrap).
function wrap(text) {
  const lines = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && length(line) + 1 + length(word) <= WIDTH) line += ` ${word}`;
    else {
      if (line) lines.push(line);
      line = word;
    }
  }
  return [...lines, line];
}

/** ``key: value`` indented by ``indent``: a list in flow style, long prose folded, anything else one scalar. */
export function yamlField(key, value, type, item = "string", indent = "") {
  if (Array.isArray(value)) return `${indent}${key}: [${value.map((v) => yamlScalar(v, item, { flow: true })).join(", ")}]`;
  if (!canonical(value, type) && foldable(value)) return [`${indent}${key}: >-`, ...wrap(value).map((line) => `${indent}  ${line}`)].join("\n");
  return `${indent}${key}: ${yamlScalar(value, type, { indent })}`;
}

/** YAML of ``[{key, value, type, item}]``; a mapping's value is such a list, with type "mapping". */
export function toYaml(entries, indent = "") {
  return entries.map(({ key, value, type, item }) => (type === "mapping"
    ? `${indent}${key}:\n${toYaml(value, `${indent}  `)}`
    : yamlField(key, value, type, item ?? "string", indent))).join("\n");
}

/** Lowercase letters, digits and hyphens, for file names: "Café & Code" → "cafe-code". */
export function slug(text) {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** A date written YYYY-MM-DD that is a day of the calendar. */
export function isDate(text) {
  const day = DATE.test(text) && new Date(`${text}T00:00:00Z`);
  return Boolean(day) && !Number.isNaN(day.getTime()) && day.toISOString().startsWith(text); // 2026-13-01 is no day
}

/** The day of the week of an ISO date; 0 is Monday, as in the schema's weekday names. */
export function weekday(date) {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** Today in the librarian's time zone, YYYY-MM-DD. */
export function today() {
  const now = new Date();
  return [now.getFullYear(), now.getMonth() + 1, now.getDate()].map((n) => String(n).padStart(2, "0")).join("-");
}

// The form itself (contribute-form.js, which checks with contribute-checks.js) is loaded only where there
// is one: this module's functions are also imported alone (tests/records/test_yamlwriter.py).
const form = document.querySelector("[data-contribute]");
if (form) import(new URL("./contribute-form.js", import.meta.url)).then(({ start }) => start(form));
