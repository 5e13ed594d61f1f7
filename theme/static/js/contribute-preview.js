// The list-your-circle form's preview: what the listing will say, and the files as they will be
// proposed. Everything is set as text, never as HTML.

import { weekday } from "./contribute.js";
import { isoDate } from "./contribute-checks.js";

function formatDate(lang, date) {
  return new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
}

function times(lang, time, minutes) {
  const [hour, minute] = time.split(":").map(Number);
  const begin = Date.UTC(2000, 0, 1, hour, minute);
  const clock = new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit", timeZone: "UTC" });
  return minutes > 0 ? clock.formatRange(begin, begin + minutes * 60000) : clock.format(begin);
}

function when({ v, words, checks, lang, isTime, say }) {
  const start = isoDate(v["schedule.start_date"]);
  if (!start || !isTime(v["schedule.start_time"])) return "";
  const list = (items) => new Intl.ListFormat(lang, { type: "conjunction" }).format(items);
  const date = (day) => formatDate(lang, day);
  const range = times(lang, v["schedule.start_time"], Number(v["schedule.duration"]) || 0);
  const dates = v["schedule.dates"].map(isoDate).filter(Boolean).sort();
  if (dates.length) return say("when_dates", { times: range, dates: list(dates.map(date)) });
  const chosen = v["schedule.weekdays"].map((name) => checks.weekdays.indexOf(name)).filter((d) => d >= 0);
  const days = list((chosen.length ? chosen : [weekday(start)]).sort().map((d) => words.weekdays[d]));
  const fields = { days, times: range, date: date(start) };
  const weeks = Number(v["schedule.weeks"]);
  if (Number.isInteger(weeks) && weeks > 0) {
    const count = new Intl.PluralRules(lang).select(weeks) === "one" ? "one" : "other";
    return say("when_weeks", { ...fields, weeks: say(`weeks_${count}`, { count: weeks }) });
  }
  const end = isoDate(v["schedule.end_date"]);
  return end ? say("when_until", { ...fields, end: date(end) }) : say("when_from", fields);
}

function where({ v, state, say }) {
  let place = "";
  if (state.newLibrary) {
    place = [v["new-library:name"], v["new-library:address.city"]].filter(Boolean).join(", ");
  } else {
    const option = v.library && document.querySelector(`option[value="${CSS.escape(v.library)}"][data-name]`);
    place = option ? `${option.dataset.name}, ${option.dataset.city}` : "";
  }
  if (v.format === "online") return say("online");
  if (v.format === "hybrid" && place) return say("hybrid", { where: place });
  return place;
}

function course({ v, say }) {
  const chosen = v.course && document.querySelector(`option[value="${CSS.escape(v.course)}"][data-title]`);
  const title = chosen ? chosen.dataset.title : v["course.title"];
  const provider = chosen ? chosen.dataset.provider : v["course.provider"];
  return title && provider ? say("course_by", { course: title, provider }) : title;
}

/** Show the listing, the circle's file and, for a library not listed yet, the library's. */
export function preview(context) {
  const { v, state, say } = context;
  const $ = (selector) => document.querySelector(selector);
  const shown = { title: v.title || say("untitled"), when: when(context), where: where(context), course: course(context) };
  for (const [key, text] of Object.entries(shown)) $(`[data-preview="${key}"]`).textContent = text || "—";
  $("[data-file-name]").textContent = state.circle.file;
  $("[data-yaml]").textContent = state.circle.yaml;
  $("[data-library-file-name]").textContent = state.library?.file ?? "";
  $("[data-library-yaml]").textContent = state.library?.yaml ?? "";
}
