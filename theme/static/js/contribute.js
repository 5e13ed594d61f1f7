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
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
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

function isDate(text) {
  return DATE.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}

function weekday(date) { // 0 is Monday, as in the schema's weekday names
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

function today() {
  const now = new Date();
  return [now.getFullYear(), now.getMonth() + 1, now.getDate()].map((n) => String(n).padStart(2, "0")).join("-");
}

const form = document.querySelector("[data-contribute]");
if (form) start(form);

function start(form) {
  const specs = JSON.parse(form.dataset.fields);
  const checks = JSON.parse(form.dataset.checks);
  const words = JSON.parse(form.dataset.messages);
  const config = JSON.parse(form.dataset.config);
  const lang = document.documentElement.lang || "en";
  const byName = Object.fromEntries(specs.map((spec) => [spec.name, spec]));
  // Problems in the order the fields are on the page, where the file name comes last.
  const pageOrder = [...specs.filter((spec) => spec.name !== config.file), byName[config.file]];
  const pattern = (source, flags = "") => new RegExp(source, flags);
  const EMAIL = pattern(checks.email);
  const TOPIC = pattern(checks.topic);
  const LANGUAGE = pattern(checks.language);
  const LANGUAGES = new Set(checks.languages);
  const PLACEHOLDER = pattern(checks.placeholder, "i");
  const PLACEHOLDER_HOST = pattern(checks.placeholder_host, "i");
  const $ = (selector) => document.querySelector(selector);
  const idInput = document.getElementById(byName[config.file].id);
  const library = document.getElementById(byName.library.id);
  const summary = $("[data-summary]");
  const status = $("[data-status]");
  const github = $("[data-github]");
  const touched = new Set(); // fields changed since the page opened: only their problems show as one types
  let checkedAll = false; // after a full check every field shows its problem
  let idEdited = false; // the librarian's own file name is never overwritten
  let daysChosen = false; // nor the days they ticked
  let autoDay = ""; // the day ticked from the start date, until the librarian ticks one
  let state; // {values, found, yaml, file}

  const say = (key, fields = {}) => (words[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(fields[name] ?? ""));
  const plural = (key, count) => say(`${key}_${new Intl.PluralRules(lang).select(count) === "one" ? "one" : "other"}`, { count });
  const list = (items) => new Intl.ListFormat(lang, { type: "conjunction" }).format(items);
  const empty = (value) => (Array.isArray(value) ? !value.length : value === "");
  const control = (spec) => document.getElementById(spec.id);
  const box = (spec) => form.querySelector(`[data-field="${CSS.escape(spec.name)}"]`);
  const target = (spec) => (control(spec).matches("fieldset") ? control(spec).querySelector("input") : control(spec));

  function read(spec) {
    if (spec.today) return today();
    if (spec.widget === "checkboxes") {
      return [...form.querySelectorAll(`input[name="${CSS.escape(spec.name)}"]:checked`)].map((input) => input.value);
    }
    const text = control(spec).value.replace(/\r\n?/g, "\n").trim();
    return spec.type === "list" ? text.split(",").map((item) => item.trim()).filter(Boolean) : text;
  }

  // Checks: one problem per field, the first found, worded for the person filling it in.

  function requiredProblem(spec, v) {
    const online = v.format === "online";
    if (spec.name === "library" && !online) return say("required_library");
    if (["network", "timezone"].includes(spec.name) && online && !v.library) return say("required_online", spec);
    if (spec.name === "course" && !v["course.title"]) return say("required_course");
    if (spec.name === "course.title" && !v.course) return say("required", spec);
    return spec.required ? say("required", spec) : "";
  }

  function urlProblem(spec, value) {
    const [scheme, rest = ""] = value.split("://", 2);
    const host = rest.split("/")[0].split(":")[0];
    if (scheme.toLowerCase() !== "https" || !host || /\s/.test(value)) return say("url", spec);
    return PLACEHOLDER_HOST.test(host) ? say("placeholder_host", { host }) : "";
  }

  function ruleProblem(spec, value) {
    switch (spec.check) {
      case "url": return urlProblem(spec, value);
      case "signup":
        if (checks.drop_in.includes(value.toLowerCase())) return "";
        if (value.includes("://")) return urlProblem(spec, value) && say("signup");
        return EMAIL.test(value.replace(/^mailto:/, "")) ? "" : say("signup");
      case "topic": return TOPIC.test(value) ? "" : say("topic", { value, tag: slug(value) });
      // The validator's rule (i18n.is_language_tag), with its list of languages.
      case "language": return LANGUAGE.test(value) && LANGUAGES.has(value.split("-")[0].toLowerCase()) ? "" : say("language", { value });
      case "timezone":
        try {
          new Intl.DateTimeFormat("en", { timeZone: value });
          return /^[A-Za-z][\w+-]*(\/[\w+-]+)*$/.test(value) ? "" : say("timezone", { value });
        } catch {
          return say("timezone", { value });
        }
      default: return "";
    }
  }

  function valueProblem(spec, value, type = spec.type) {
    const fields = { label: spec.label, example: spec.example.split(",")[0].trim(), value };
    if (type === "date" && !isDate(value)) return say(spec.type === "list" ? "date_item" : "date", fields);
    if (type === "time" && !TIME.test(value)) return say("time", fields);
    if (type === "integer" && !/^-?\d+$/.test(value)) return say("integer", fields);
    if (type === "number" && !Number.isFinite(Number(value))) return say("number", fields);
    const number = Number(value);
    if ((spec.minimum !== undefined && number < spec.minimum) || (spec.maximum !== undefined && number > spec.maximum)) {
      return say("range", { ...fields, min: spec.minimum ?? "…", max: spec.maximum ?? "…" });
    }
    if (type !== "string") return "";
    const length = [...value].length;
    if (spec.minLength && length < spec.minLength) return say("too_short", { ...fields, min: spec.minLength });
    if (spec.maxLength && length > spec.maxLength) return say("too_long", { ...fields, max: spec.maxLength, count: length });
    if (spec.pattern && !pattern(`^(?:${spec.pattern})$`).test(value)) return say("pattern", fields);
    if (PLACEHOLDER.test(value)) return say("placeholder", fields);
    return ruleProblem(spec, value);
  }

  function fieldProblem(spec, value, v) {
    if (spec.today) return "";
    if (control(spec).validity?.badInput) return valueProblem(spec, "?"); // a half-typed date, time or number
    if (empty(value)) return requiredProblem(spec, v);
    if (spec.type !== "list") return valueProblem(spec, value);
    for (const item of value) {
      const found = valueProblem(spec, item, spec.item);
      if (found) return found;
    }
    return "";
  }

  // What the validator checks across the schedule's fields (rules.py).
  function scheduleProblems(v, add) {
    const lengths = ["schedule.weeks", "schedule.end_date", "schedule.dates"].filter((name) => !empty(v[name]));
    if (!lengths.length) add("schedule.weeks", say("no_length"));
    else if (lengths.length > 1) add(lengths[1], say("many_lengths"));
    const start = v["schedule.start_date"];
    if (!isDate(start)) return;
    const days = v["schedule.weekdays"].map((name) => checks.weekdays.indexOf(name));
    const dates = v["schedule.dates"].filter(isDate).sort();
    if (days.length && !days.includes(weekday(start)) && !dates.length) {
      add("schedule.weekdays", say("weekday_mismatch", { weekday: words.weekday_names[weekday(start)] }));
    }
    const end = v["schedule.end_date"];
    if (isDate(end) && end < start) add("schedule.end_date", say("end_before_start"));
    if (dates.length && dates[0] !== start) add("schedule.dates", say("dates_start"));
    const meets = (date) => (dates.length ? dates.includes(date) : (days.length ? days : [weekday(start)]).includes(weekday(date)));
    const skipped = v["schedule.skip"].find((date) => isDate(date) && (date < start || !meets(date)));
    if (skipped) add("schedule.skip", say("skip_not_meeting", { date: skipped }));
  }

  function problems(v) {
    const found = new Map();
    const add = (name, message) => message && !found.has(name) && found.set(name, message);
    for (const spec of specs) add(spec.name, fieldProblem(spec, v[spec.name], v));
    scheduleProblems(v, add);
    return new Map(pageOrder.filter((spec) => found.has(spec.name)).map((spec) => [spec.name, found.get(spec.name)]));
  }

  // The record, in the schema's order; a nested mapping where its first field is.

  function entries(v) {
    const out = [];
    const groups = new Map();
    for (const spec of specs) {
      const value = v[spec.name];
      if (spec.name === config.file || empty(value)) continue;
      const [group, key] = spec.name.includes(".") ? spec.name.split(".", 2) : ["", spec.name];
      const entry = { key, value, type: spec.type, item: spec.item };
      if (!group) {
        out.push(entry);
        continue;
      }
      if (!groups.has(group)) {
        groups.set(group, { key: group, type: "mapping", value: [] });
        out.push(groups.get(group));
      }
      groups.get(group).value.push(entry);
    }
    return out;
  }

  function suggestId(v) {
    if (idEdited) return;
    const place = v.library || v.network || (v.format === "online" ? "online" : "");
    const start = v["schedule.start_date"];
    const month = isDate(start) ? start.slice(0, 7) : "";
    const room = (byName[config.file].maxLength ?? 80) - place.length - month.length - 2;
    const title = slug(v.title).slice(0, Math.max(room, 0)).replace(/-+$/, "");
    idInput.value = [place, title, month].filter(Boolean).join("-");
  }

  function chooseDays(v) {
    const start = v["schedule.start_date"];
    if (daysChosen || !isDate(start)) return;
    const day = checks.weekdays[weekday(start)];
    for (const input of form.querySelectorAll('input[name="schedule.weekdays"]')) input.checked = input.value === day;
    autoDay = day;
  }

  // The first day the librarian ticks replaces the one ticked from the start date, and the page says so:
  // keeping both silently listed two meeting days (issue 23).
  function dayTicked(input) {
    const note = form.querySelector('[data-field="schedule.weekdays"] [data-note]');
    if (!daysChosen && input.checked && autoDay && input.value !== autoDay) {
      const auto = form.querySelector(`input[name="schedule.weekdays"][value="${CSS.escape(autoDay)}"]`);
      if (auto?.checked) {
        auto.checked = false;
        if (note) note.textContent = say("weekday_moved", { weekday: words.weekday_names[checks.weekdays.indexOf(autoDay)] });
      }
    }
    daysChosen = true;
  }

  // Which fields are required depends on the format and the library.
  function markRequired(v) {
    const online = v.format === "online";
    // A course is chosen from the list, or described in the group below it when it is not listed.
    const needed = { library: !online, network: online && !v.library, timezone: online && !v.library,
      course: !v["course.title"], "course.title": !v.course };
    const unlisted = form.querySelector('[data-group="course"]');
    if (unlisted) unlisted.hidden = Boolean(v.course);
    for (const [name, required] of Object.entries(needed)) {
      const spec = byName[name];
      if (!spec) continue;
      box(spec).querySelector("[data-required-mark]").hidden = !required;
      control(spec).required = required;
    }
  }

  // The preview: what the listing will say, set as text.

  function formatDate(date) {
    return new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
  }

  function times(time, minutes) {
    const [hour, minute] = time.split(":").map(Number);
    const begin = Date.UTC(2000, 0, 1, hour, minute);
    const clock = new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit", timeZone: "UTC" });
    return minutes > 0 ? clock.formatRange(begin, begin + minutes * 60000) : clock.format(begin);
  }

  function when(v) {
    const start = v["schedule.start_date"];
    if (!isDate(start) || !TIME.test(v["schedule.start_time"])) return "";
    const range = times(v["schedule.start_time"], Number(v["schedule.duration"]) || 0);
    const dates = v["schedule.dates"].filter(isDate).sort();
    if (dates.length) return say("when_dates", { times: range, dates: list(dates.map(formatDate)) });
    const chosen = v["schedule.weekdays"].map((name) => checks.weekdays.indexOf(name)).filter((d) => d >= 0);
    const days = list((chosen.length ? chosen : [weekday(start)]).sort().map((d) => words.weekdays[d]));
    const fields = { days, times: range, date: formatDate(start) };
    const weeks = Number(v["schedule.weeks"]);
    if (Number.isInteger(weeks) && weeks > 0) return say("when_weeks", { ...fields, weeks: plural("weeks", weeks) });
    if (isDate(v["schedule.end_date"])) return say("when_until", { ...fields, end: formatDate(v["schedule.end_date"]) });
    return say("when_from", fields);
  }

  function where(v) {
    const option = library.selectedOptions[0];
    const place = v.library && option ? `${option.dataset.name}, ${option.dataset.city}` : "";
    if (v.format === "online") return say("online");
    if (v.format === "hybrid" && place) return say("hybrid", { where: place });
    return place;
  }

  function course(v) {
    const chosen = v.course && form.querySelector(`#${CSS.escape(byName.course.id)} option:checked`);
    const title = chosen ? chosen.dataset.title : v["course.title"];
    const provider = chosen ? chosen.dataset.provider : v["course.provider"];
    return title && provider ? say("course_by", { course: title, provider }) : title;
  }

  function preview(v) {
    const shown = { title: v.title || say("untitled"), when: when(v), where: where(v), course: course(v) };
    for (const [key, text] of Object.entries(shown)) $(`[data-preview="${key}"]`).textContent = text || "—";
    $("[data-file-name]").textContent = state.file;
    $("[data-yaml]").textContent = state.yaml;
    if (github) github.href = githubUrl().url;
  }

  // GitHub's new-file page, filled in: a fork and a pull request are two clicks away from there.
  function githubUrl() {
    const path = (text) => text.split("/").map(encodeURIComponent).join("/");
    const base = `https://github.com/${path(config.repository)}/new/${path(config.branch)}?filename=${path(state.file)}`;
    const url = `${base}&value=${encodeURIComponent(state.yaml)}`;
    return url.length <= config.max_url ? { url, whole: true } : { url: base, whole: false };
  }

  // Showing problems: next to each field (described by it), and in a summary on a full check.

  function show(found) {
    for (const spec of specs) {
      if (spec.today || !(checkedAll || touched.has(spec.name) || box(spec).classList.contains("field--error"))) continue;
      const message = found.get(spec.name) || "";
      box(spec).querySelector("[data-error]").textContent = message;
      box(spec).classList.toggle("field--error", Boolean(message));
      const input = control(spec);
      input.setAttribute("aria-describedby", [`${spec.id}-help`, message && `${spec.id}-error`].filter(Boolean).join(" "));
      if (!input.matches("fieldset")) input.setAttribute("aria-invalid", String(Boolean(message)));
    }
  }

  function summarize(found) {
    const items = [...found].map(([name, message]) => {
      const link = Object.assign(document.createElement("a"), { href: `#${target(byName[name]).id}` });
      link.textContent = message;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        target(byName[name]).focus();
      });
      const item = document.createElement("li");
      item.append(link);
      return item;
    });
    $("[data-summary-list]").replaceChildren(...items);
    $("[data-summary-heading]").textContent = found.size === 1 ? say("summary_one") : say("summary_other", { count: found.size });
    summary.hidden = !found.size;
  }

  function update() {
    let v = Object.fromEntries(specs.map((spec) => [spec.name, read(spec)]));
    chooseDays(v);
    suggestId(v);
    v = { ...v, [config.file]: read(byName[config.file]), "schedule.weekdays": read(byName["schedule.weekdays"]) };
    const file = `${config.folder}${v[config.file] || "…"}.yml`;
    state = { values: v, found: problems(v), yaml: `${toYaml(entries(v))}\n`, file };
    markRequired(v);
    preview(v);
    show(state.found);
    if (!summary.hidden) summarize(state.found);
  }

  /** Every field checked and shown; focus on the first problem. True when there is none. */
  function check() {
    checkedAll = true;
    update();
    summarize(state.found);
    if (state.found.size) {
      status.textContent = "";
      target(byName[state.found.keys().next().value]).focus();
      return false;
    }
    return true;
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(state.yaml);
      return true;
    } catch {
      getSelection().selectAllChildren($("[data-yaml]"));
      return false;
    }
  }

  function download() {
    const url = URL.createObjectURL(new Blob([state.yaml], { type: "application/yaml" }));
    const link = Object.assign(document.createElement("a"), { href: url, download: state.file.split("/").pop() });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  // A checkbox fires input before change: either one marks what the librarian chose.
  form.addEventListener("input", (event) => {
    if (event.target === idInput) idEdited = idInput.value !== "";
    if (event.target.name === "schedule.weekdays") dayTicked(event.target);
    update();
  });
  form.addEventListener("change", (event) => {
    if (event.target.name) touched.add(event.target.name);
    update();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (check()) status.textContent = say("ready");
  });
  github?.addEventListener("click", (event) => {
    if (!check()) {
      event.preventDefault();
      return;
    }
    if (!githubUrl().whole) {
      copy();
      status.textContent = say("too_long_for_link");
    }
  });
  $("[data-copy]").addEventListener("click", async () => {
    if (!check()) return;
    status.textContent = (await copy()) ? say("copied", { file: state.file }) : say("copy_failed");
  });
  $("[data-download]").addEventListener("click", () => {
    if (!check()) return;
    download();
    status.textContent = say("downloaded", { file: state.file.split("/").pop() });
  });

  for (const node of document.querySelectorAll("[data-js-only]")) node.hidden = false;
  update();
}
