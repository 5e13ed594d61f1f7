// The list-your-circle form's checks: the validator's rules (plugins/circles/records/), handed over by the
// page in data-checks, and the schema's constraints in each field's spec. What one accepts the other
// accepts (issue 23): tests/pages/test_contribute_rules.py feeds both the same answers. Warnings of the
// validator (http://, a personal email address) are no reason to stop a librarian here either.

import { isDate, slug, weekday } from "./contribute.js";

// Dates and times as the validator reads them: Python's strptime with the schema's formats, %Y-%m-%d
// and %H:%M, which also take one-digit months, days, hours and minutes (2027-1-5, 8:30).
const STRPTIME_DATE = /^([0-9]{4})-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12][0-9]|0[1-9]|[1-9]| [1-9])$/;
const STRPTIME_TIME = /^(2[0-3]|[01][0-9]|[0-9]):([0-5][0-9]|[0-9])$/;
// Python's int(): a sign, and underscores between digits.
const INTEGER = /^[+-]?[0-9]+(_[0-9]+)*$/;

/** The date the validator reads ``text`` as, written YYYY-MM-DD; empty when it reads none. */
export function isoDate(text) {
  const found = STRPTIME_DATE.exec(text);
  if (!found) return "";
  const iso = `${found[1]}-${found[2].padStart(2, "0")}-${found[3].trim().padStart(2, "0")}`;
  return isDate(iso) ? iso : "";
}

/** Whether the validator reads ``text`` as a time. */
export function isTime(text) {
  return STRPTIME_TIME.test(text);
}

/** ``say(key, fields)``: the page's words with their ``{name}`` fields filled in. */
export function speaker(words) {
  return (key, fields = {}) => (words[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(fields[name] ?? ""));
}

/** The checks of one field's value; ``checks`` and ``words`` are the page's data-checks and data-messages. */
export function rules(checks, words) {
  const say = speaker(words);
  const pattern = (source, flags = "") => new RegExp(source, flags);
  const EMAIL = pattern(checks.email);
  const TOPIC = pattern(checks.topic);
  const LANGUAGE = pattern(checks.language);
  const LANGUAGES = new Set(checks.languages);
  const TIMEZONES = new Set(checks.timezones);
  const COUNTRIES = new Set(checks.countries);
  const PLACEHOLDER = pattern(checks.placeholder, "i");
  const PLACEHOLDER_HOST = pattern(checks.placeholder_host, "i");

  // As rules.py's url(): http:// is only warned of there, so it passes here.
  function urlProblem(spec, value) {
    const [scheme, rest = ""] = value.split("://", 2);
    const host = rest.split("/")[0].split(":")[0];
    const kind = scheme.toLowerCase();
    if (kind !== "http" && (kind !== "https" || !host || /\s/.test(value))) return say("url", spec);
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
      // The validator's rule (codes.is_language_tag), with its list of languages.
      case "language": return LANGUAGE.test(value) && LANGUAGES.has(value.split("-")[0].toLowerCase()) ? "" : say("language", { value });
      case "timezone": return TIMEZONES.has(value) ? "" : say("timezone", { value });
      case "country": return COUNTRIES.has(value) ? "" : say("pattern", { label: spec.label, example: spec.example });
      default: return "";
    }
  }

  function dateProblem(spec, value, fields) {
    const iso = isoDate(value);
    if (!iso) return say(spec.type === "list" ? "date_item" : "date", fields);
    // Meeting dates fall in the validator's range (rules.FIRST_DAY, LAST_DAY): a mistyped year is caught.
    if (spec.key.startsWith("schedule.") && (iso < checks.first_day || iso > checks.last_day)) {
      return say("date_range", { value, first: checks.first_day, last: checks.last_day });
    }
    return "";
  }

  /** The first problem of one value (a list's item with ``type`` its item type), or "". */
  function valueProblem(spec, value, type = spec.type) {
    const fields = { label: spec.label, example: spec.example.split(",")[0].trim(), value };
    if (type === "date") return dateProblem(spec, value, fields);
    if (type === "time" && !isTime(value)) return say("time", fields);
    if (type === "integer" && !INTEGER.test(value)) return say("integer", fields);
    if (type === "number" && !Number.isFinite(Number(value))) return say("number", fields);
    const number = Number(value.replaceAll("_", ""));
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

  /** The first problem of a field's value as read from the form (a list as its items); "" when empty. */
  function valuesProblem(spec, value) {
    if (spec.type !== "list") return valueProblem(spec, value);
    for (const item of value) {
      const found = valueProblem(spec, item, spec.item);
      if (found) return found;
    }
    return "";
  }

  // What the validator checks across the schedule's fields (rules.py), on ``v``: values by field name.
  function scheduleProblems(v, add) {
    const empty = (value) => (Array.isArray(value) ? !value.length : value === "");
    const lengths = ["schedule.weeks", "schedule.end_date", "schedule.dates"].filter((name) => !empty(v[name]));
    if (!lengths.length) add("schedule.weeks", say("no_length"));
    else if (lengths.length > 1) add(lengths[1], say("many_lengths"));
    const start = isoDate(v["schedule.start_date"]);
    if (!start) return;
    const days = v["schedule.weekdays"].map((name) => checks.weekdays.indexOf(name));
    const dates = v["schedule.dates"].map(isoDate).filter(Boolean).sort();
    if (days.length && !days.includes(weekday(start)) && !dates.length) {
      add("schedule.weekdays", say("weekday_mismatch", { weekday: words.weekday_names[weekday(start)] }));
    }
    const end = isoDate(v["schedule.end_date"]);
    if (end && end < start) add("schedule.end_date", say("end_before_start"));
    if (dates.length && dates[0] !== start) add("schedule.dates", say("dates_start"));
    const meets = (date) => (dates.length ? dates.includes(date) : (days.length ? days : [weekday(start)]).includes(weekday(date)));
    const skipped = v["schedule.skip"].map(isoDate).find((date) => date && (date < start || !meets(date)));
    if (skipped) add("schedule.skip", say("skip_not_meeting", { date: skipped }));
  }

  return { say, valueProblem, valuesProblem, scheduleProblems };
}

/** A field's text as the form reads it: trimmed, a list split at commas. */
export function readText(spec, text) {
  const trimmed = text.replace(/\r\n?/g, "\n").trim();
  return spec.type === "list" ? trimmed.split(",").map((item) => item.trim()).filter(Boolean) : trimmed;
}
