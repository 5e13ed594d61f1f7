// List your circle: the form, made from the schema by the build, writes the circle's record here in
// the browser, and a new library's when "My library is not listed" is chosen. It checks with the
// validator's own rules (contribute-checks.js), previews the listing, shows the exact YAML and opens
// GitHub's new-file page filled in with it. Every word shown comes translated from the page
// (data-messages); what a librarian types is only ever set as text, never as HTML.

import { isDate, slug, today, toYaml, weekday } from "./contribute.js";
import { isTime, readText, rules } from "./contribute-checks.js";
import { preview } from "./contribute-preview.js";

export function start(form) {
  const specs = JSON.parse(form.dataset.fields);
  const checks = JSON.parse(form.dataset.checks);
  const words = JSON.parse(form.dataset.messages);
  const config = JSON.parse(form.dataset.config);
  const { say, valuesProblem, scheduleProblems } = rules(checks, words);
  const byName = Object.fromEntries(specs.map((spec) => [spec.name, spec]));
  const circleSpecs = specs.filter((spec) => spec.record === "circle");
  const librarySpecs = specs.filter((spec) => spec.record === "library");
  // Problems in the order the fields are on the page: a new library's after the picker, the file name last.
  const pageOrder = circleSpecs.filter((spec) => spec.name !== config.file).flatMap(
    (spec) => (spec.name === "library" ? [spec, ...librarySpecs] : [spec])).concat(byName[config.file]);
  const $ = (selector) => document.querySelector(selector);
  const idInput = document.getElementById(byName[config.file].id);
  const libraryIdInput = document.getElementById(byName[config.library_file].id);
  const library = document.getElementById(byName.library.id);
  const listed = new Set([...library.options].map((option) => option.value).filter((value) => value && value !== checks.new_library));
  const summary = $("[data-summary]");
  const status = $("[data-status]");
  const github = $("[data-github]");
  const libraryGithub = $("[data-library-github]");
  const touched = new Set(); // fields changed since the page opened: only their problems show as one types
  let checkedAll = false; // after a full check every field shows its problem
  const edited = { [config.file]: false, [config.library_file]: false }; // a file name typed is never overwritten
  let daysChosen = false; // nor the days they ticked
  let autoDay = ""; // the day ticked from the start date, until the librarian ticks one
  let state; // {values, found, circle: {yaml, file}, library: {yaml, file} or null, newLibrary}

  const empty = (value) => (Array.isArray(value) ? !value.length : value === "");
  const control = (spec) => document.getElementById(spec.id);
  const box = (spec) => form.querySelector(`[data-field="${CSS.escape(spec.name)}"]`);
  const target = (spec) => (control(spec).matches("fieldset") ? control(spec).querySelector("input") : control(spec));

  function read(spec) {
    if (spec.today) return today();
    if (spec.widget === "checkboxes") {
      return [...form.querySelectorAll(`input[name="${CSS.escape(spec.name)}"]:checked`)].map((input) => input.value);
    }
    return readText(spec, control(spec).value);
  }

  function requiredProblem(spec, v) {
    const online = v.format === "online";
    if (spec.name === "library" && !online) return say("required_library");
    if (["network", "timezone"].includes(spec.name) && online && !v.library) return say("required_online", spec);
    if (spec.name === "course" && !v["course.title"]) return say("required_course");
    if (spec.name === "course.title" && !v.course) return say("required", spec);
    return spec.required ? say("required", spec) : "";
  }

  function fieldProblem(spec, value, v) {
    if (spec.today) return "";
    if (control(spec).validity?.badInput) return valuesProblem(spec, "?"); // a half-typed date, time or number
    return empty(value) ? requiredProblem(spec, v) : valuesProblem(spec, value);
  }

  function problems(v) {
    const found = new Map();
    const add = (name, message) => message && !found.has(name) && found.set(name, message);
    for (const spec of circleSpecs) add(spec.name, fieldProblem(spec, v[spec.name], v));
    if (state.newLibrary) {
      for (const spec of librarySpecs) add(spec.name, fieldProblem(spec, v[spec.name], v));
      const id = v[config.library_file];
      if (listed.has(id)) add(config.library_file, say("new_library_taken", { value: id }));
    }
    scheduleProblems(v, add);
    return new Map(pageOrder.filter((spec) => found.has(spec.name)).map((spec) => [spec.name, found.get(spec.name)]));
  }

  // A record, in the schema's order; a nested mapping where its first field is.
  function entries(v, fields, file) {
    const out = [];
    const groups = new Map();
    for (const spec of fields) {
      const value = v[spec.name];
      if (spec.name === file || empty(value)) continue;
      const [group, key] = spec.key.includes(".") ? spec.key.split(".", 2) : ["", spec.key];
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

  function suggestIds(v) {
    if (!edited[config.library_file]) {
      const room = byName[config.library_file].maxLength ?? 80;
      libraryIdInput.value = slug(v["new-library:name"] ?? "").slice(0, room).replace(/-+$/, "");
    }
    if (edited[config.file]) return;
    const place = (state.newLibrary ? libraryIdInput.value : v.library) || v.network || (v.format === "online" ? "online" : "");
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

  // Which fields are required and shown depends on the format, the library and the course.
  function markRequired(v) {
    const online = v.format === "online";
    const needed = { library: !online, network: online && !v.library, timezone: online && !v.library,
      course: !v["course.title"], "course.title": !v.course };
    const unlisted = form.querySelector('[data-group="course"]');
    if (unlisted) unlisted.hidden = Boolean(v.course);
    form.querySelector('[data-group="new-library"]').hidden = !state.newLibrary;
    for (const node of document.querySelectorAll("[data-new-library-only]")) node.hidden = !state.newLibrary;
    for (const node of document.querySelectorAll("[data-one-file-only]")) node.hidden = state.newLibrary;
    for (const [name, required] of Object.entries(needed)) {
      box(byName[name]).querySelector("[data-required-mark]").hidden = !required;
      control(byName[name]).required = required;
    }
  }

  // GitHub's new-file page, filled in: a fork and a pull request are two clicks away from there.
  function githubUrl({ file, yaml }) {
    const path = (text) => text.split("/").map(encodeURIComponent).join("/");
    const base = `https://github.com/${path(config.repository)}/new/${path(config.branch)}?filename=${path(file)}`;
    const url = `${base}&value=${encodeURIComponent(yaml)}`;
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
    state = { ...state, newLibrary: v.library === checks.new_library };
    chooseDays(v);
    suggestIds(v);
    v = { ...v, [config.file]: read(byName[config.file]), [config.library_file]: read(byName[config.library_file]),
      "schedule.weekdays": read(byName["schedule.weekdays"]) };
    if (state.newLibrary) v.library = v[config.library_file]; // the circle names the library by its new file
    const circle = { yaml: `${toYaml(entries(v, circleSpecs, config.file))}\n`, file: `${config.folder}${v[config.file] || "…"}.yml` };
    const library = state.newLibrary ? { yaml: `${toYaml(entries(v, librarySpecs, config.library_file))}\n`,
      file: `${config.library_folder}${v[config.library_file] || "…"}.yml` } : null;
    state = { ...state, values: v, circle, library };
    state.found = problems(v);
    markRequired(v);
    preview({ v, state, words, checks, lang: document.documentElement.lang || "en", isTime, say });
    if (github) github.href = githubUrl(circle).url;
    if (libraryGithub && library) libraryGithub.href = githubUrl(library).url;
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

  async function copy({ yaml }, shown) {
    try {
      await navigator.clipboard.writeText(yaml);
      return true;
    } catch {
      getSelection().selectAllChildren(shown);
      return false;
    }
  }

  function download({ yaml, file }) {
    const url = URL.createObjectURL(new Blob([yaml], { type: "application/yaml" }));
    const link = Object.assign(document.createElement("a"), { href: url, download: file.split("/").pop() });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  // A checkbox fires input before change: either one marks what the librarian chose.
  form.addEventListener("input", (event) => {
    for (const input of [idInput, libraryIdInput]) if (event.target === input) edited[input.name] = input.value !== "";
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
  for (const [link, which] of [[github, "circle"], [libraryGithub, "library"]]) {
    link?.addEventListener("click", (event) => {
      if (!check()) {
        event.preventDefault();
        return;
      }
      if (!githubUrl(state[which]).whole) {
        copy(state[which], $(which === "circle" ? "[data-yaml]" : "[data-library-yaml]"));
        status.textContent = say("too_long_for_link");
      }
    });
  }
  for (const [prefix, which] of [["", "circle"], ["library-", "library"]]) {
    $(`[data-${prefix}copy]`).addEventListener("click", async () => {
      if (!check()) return;
      const copied = await copy(state[which], $(`[data-${prefix}yaml]`));
      status.textContent = copied ? say("copied", { file: state[which].file }) : say("copy_failed");
    });
    $(`[data-${prefix}download]`).addEventListener("click", () => {
      if (!check()) return;
      download(state[which]);
      status.textContent = say("downloaded", { file: state[which].file.split("/").pop() });
    });
  }

  for (const node of document.querySelectorAll("[data-js-only]")) node.hidden = false;
  update();
}
