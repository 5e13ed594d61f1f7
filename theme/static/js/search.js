// The search page: Pagefind full-text search with facets, a place and radius, state kept in
// the URL, results as cards. Every word shown comes translated from the page (data-messages);
// everything from records is set as text, never as HTML. The location never leaves the browser.
import { openIndex, searchIndex } from "./bundles.js";
import { currentPosition, distanceKm, distanceUnit, findPlaces, formatDistance, radiusChoices } from "./places.js";
import { betterQuery, betterTown } from "./suggest.js";

const form = document.querySelector("[data-search]");
// The files every language shares (the index, libraries.json) are at the site's root; the circles'
// pages in this page's language are under data-pages (the root, or its fr/ folder).
const root = new URL(document.documentElement.dataset.root || "./", location.href);
const pages = new URL(document.documentElement.dataset.pages || root.href, location.href);
const words = JSON.parse(form.dataset.messages);
const facetOrder = JSON.parse(form.dataset.facets); // [[key, heading], …] in display order
const first = JSON.parse(form.dataset.first); // {count, results, counts, totals}: the page before any search
const bundles = JSON.parse(form.dataset.bundles); // the search index's folders under pagefind/ (bundles.js)
const headings = Object.fromEntries(facetOrder);
// What a facet's value is called on this page, where it is not the value itself (a topic's label).
const valueLabels = JSON.parse(form.dataset.valueLabels || "{}");
const valueLabel = (key, value) => valueLabels[key]?.[value] ?? value;
// The index is one for every language: a result carries its schedule in each (when, when_fr, …).
const whenKey = form.dataset.when || "when";
const $ = (selector) => document.querySelector(selector);
const query = $("#q");
const placeInput = $("#place");
const radiusSelect = $("#radius");
const unitSelect = $("#unit");
const facetList = $("[data-facet-list]");
const status = $("[data-status]");
const list = $("[data-results]");
const more = $("[data-more]");
const followNear = $("[data-follow-near]");
const suggestion = $("[data-suggest]");
const pastNote = $("[data-past-note]");
const nearPlace = $("#near-place");
const facetsToggle = $("[data-facets-toggle]");
const beyond = $("[data-beyond]");
const online = $("[data-online]");
const PAGE = 20;
const NEAR_LIMIT = 200; // results whose data is loaded to sort by distance
const DEFAULT_RADIUS = 25;
const BEYOND = 5; // circles listed beyond the radius when none is within it
const ONLINE = 3; // online circles listed beside them
const ONLINE_FORMATS = ["online", "hybrid"]; // the formats one can join from anywhere

let libraries; // {library id: [lat, lon]}, loaded on first use
let towns; // Map of library id → [town page, town name], loaded on first use
let state = readState(new URLSearchParams(location.search));
let searched = location.search; // the search the page shows, as its address gives it
let latest = 0; // the newest search; answers to older ones are dropped
let shown = []; // results with their data, in display order
let pending = []; // results not loaded yet ("Show more")
let moreFromSearch = false; // the first view's "Show more" searches for the rest

function say(key, fields = {}) {
  return (words[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(fields[name] ?? ""));
}

function plural(count) {
  const form = new Intl.PluralRules(document.documentElement.lang).select(count);
  return say(form === "one" ? "count_one" : "count_other", { count });
}

// State: the URL is the source of truth, so a search can be shared, reloaded and navigated.

function readState(params) {
  const filters = {};
  for (const key of Object.keys(headings)) {
    const values = params.getAll(key);
    if (values.length) filters[key] = values;
  }
  const lat = parseFloat(params.get("lat"));
  const lon = parseFloat(params.get("lon"));
  const place = params.get("place") || "";
  return {
    q: params.get("q") || "",
    filters,
    place: place && Number.isFinite(lat) && Number.isFinite(lon) ? { label: place, lat, lon } : null,
    placeText: place,
    radius: parseFloat(params.get("r")) || DEFAULT_RADIUS,
    unit: ["km", "mi"].includes(params.get("u")) ? params.get("u") : "", // "": the place's or the browser's
  };
}

// Kilometres or miles: as chosen, else as the chosen place's country or the browser's locale uses.
function unit() {
  return state.unit || distanceUnit(undefined, state.place?.country ?? "");
}

// The radius options in the unit, the one nearest the radius chosen (kept in km) selected.
function fillRadius() {
  radiusSelect.replaceChildren(...radiusChoices(undefined, unit()).map(({ km, label }) =>
    Object.assign(element("option", "", label), { value: String(km) })));
  const nearest = [...radiusSelect.options].reduce((best, o) =>
    (!best || Math.abs(parseFloat(o.value) - state.radius) < Math.abs(parseFloat(best.value) - state.radius) ? o : best), null);
  if (nearest) radiusSelect.value = nearest.value;
  unitSelect.value = unit();
}

function writeState({ push }) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [key, values] of Object.entries(state.filters)) values.forEach((v) => params.append(key, v));
  if (state.place) {
    params.set("place", state.place.label);
    params.set("lat", state.place.lat.toFixed(4));
    params.set("lon", state.place.lon.toFixed(4));
    params.set("r", String(state.radius));
  }
  if (state.unit) params.set("u", state.unit);
  const url = `${location.pathname}${params.size ? `?${params}` : ""}`;
  if (url !== `${location.pathname}${location.search}`) history[push ? "pushState" : "replaceState"](null, "", url);
  searched = location.search;
}

function showState() {
  query.value = state.q;
  placeInput.value = state.place ? state.place.label : state.placeText;
  fillRadius();
  const best = [...radiusSelect.options].find((o) => Math.abs(parseFloat(o.value) - state.radius) < 0.01);
  if (best) radiusSelect.value = best.value;
}

// Searching

// Every circle page carries this hidden word: searching it lists them all from one small index
// chunk. Pagefind's own way, an empty term, would fetch the whole word index first.
const EVERY = form.dataset.every;
const FACET_KEYS = facetOrder.map(([key]) => key);

function loadPagefind() {
  return openIndex(root, bundles, root.pathname);
}

async function find(term, options, order = bundles) {
  return searchIndex(await loadPagefind(), order, term, options);
}

// Upcoming and running circles come first in every order (by date, relevance or distance), past
// ones after (issue 23). With Past chosen, they are searched on their own and follow the others:
// by date, most recent first, which is their order key's and, joined, their bundles' newest first.
async function findInOrder(term, nearby) {
  const options = searchOptions(nearby);
  const chosen = state.filters.status ?? [];
  if (!chosen.includes(PAST)) return { ...(await find(term, options)), current: Infinity };
  const only = (values) => ({ ...options, filters: { ...options.filters, status: { any: values } } });
  const current = chosen.filter((value) => value !== PAST);
  const [first, past] = await Promise.all([
    current.length ? find(term, only(current)) : { results: [] },
    find(term, only([PAST]), [...bundles].reverse()),
  ]);
  return { results: first.results.concat(past.results), current: first.results.length };
}

async function nearbyLibraries(place, radius) {
  if (!libraries) libraries = await (await fetch(new URL("search/libraries.json", root))).json();
  return Object.entries(libraries)
    .map(([id, [lat, lon]]) => ({ id, km: distanceKm(place, { lat, lon }) }))
    .filter(({ km }) => km <= radius)
    .sort((a, b) => a.km - b.km);
}

// Values of one facet are alternatives (any), facets narrow each other (all); `without` leaves
// one facet out, to count its values as if it were not chosen yet.
function pagefindFilters(nearby, without = null) {
  const filters = {};
  for (const [key, values] of Object.entries(state.filters)) if (key !== without) filters[key] = { any: values };
  if (!state.filters.status && without !== "status") filters.status = { none: [PAST] };
  if (nearby) filters.library = { any: nearby.map(({ id }) => id) };
  return filters;
}

function searchOptions(nearby, without = null) {
  return { filters: pagefindFilters(nearby, without), sort: state.q ? undefined : { order: "asc" } };
}

// Counts for each facet: from the search itself, except for facets that narrow it, whose
// values are counted by a search without them ("Spanish (6)" stays 6 once "French" is chosen).
// They are counted in a worker (counts.js), so that typing is never kept waiting for them.
let counter;
function askCounter(job) {
  if (!counter) {
    counter = new Worker(new URL("counts.js", import.meta.url), { type: "module" });
    counter.addEventListener("message", ({ data }) => {
      if (data.error) console.error(data.error);
      drawFacets(data.id, data.counts ?? {}, data.totals ?? {});
    });
  }
  counter.postMessage({ root: root.href, bundles, baseUrl: root.pathname, every: EVERY, facets: FACET_KEYS, ...job });
}

function requestCounts(id, nearby) {
  const without = {};
  for (const key of new Set([...Object.keys(state.filters), "status"])) without[key] = pagefindFilters(nearby, key);
  const { filters, sort } = searchOptions(nearby);
  askCounter({ id, term: state.q || EVERY, filters, sort, without });
}

// Once the page is drawn and idle, get Pagefind ready in both threads, so that the first
// keystroke only fetches what its own words need.
function getReady() {
  loadPagefind().catch(() => {});
  askCounter({ id: 0 });
}

// The Status facet's value for circles that have ended, left out unless asked for.
const PAST = "past";

function isFirstView() {
  return !state.q && !state.place && !state.placeText && !Object.keys(state.filters).length;
}

// Before anything is asked, the page shows what the build worked out (data-first): the soonest
// circles and every facet's counts, without fetching the search index at all.
function showFirstView() {
  const id = ++latest;
  list.setAttribute("aria-busy", "true");
  render(id, first.results.map(({ url, meta }) => ({ url: new URL(url, pages).href, meta: shownMeta(meta) })), null,
    { count: first.count });
  more.hidden = first.count <= first.results.length;
  moreFromSearch = true;
  drawFacets(id, first.counts, first.totals);
}

// The list first, then the facets' counts: a keystroke's results are not kept waiting for the
// searches that counting takes. A newer search drops whatever an older one still draws.
async function run() {
  followNear.hidden = true;
  suggestion.hidden = true;
  beyond.hidden = true;
  online.hidden = true;
  if (isFirstView()) return showFirstView();
  const id = ++latest;
  moreFromSearch = false;
  list.setAttribute("aria-busy", "true");
  facetList.setAttribute("aria-busy", "true");
  status.textContent = say("searching");
  try {
    const nearby = state.place ? await nearbyLibraries(state.place, state.radius) : null;
    offerToFollow(id, nearby);
    if (nearby && !nearby.length) {
      render(id, [], null, { none: "none_near" });
      drawFacets(id, {}, {});
      return offerBeyond(id);
    }
    const search = await findInOrder(state.q || EVERY, nearby);
    if (id !== latest) return;
    let results = search.results;
    let loaded = [];
    if (nearby) {
      loaded = await Promise.all(results.slice(0, NEAR_LIMIT).map(load));
      const km = Object.fromEntries(nearby.map(({ id: lib, km: d }) => [lib, d]));
      loaded.forEach((r, i) => Object.assign(r, { km: km[r.meta.library], past: i >= search.current }));
      loaded.sort((a, b) => a.past - b.past || a.km - b.km || a.meta.next.localeCompare(b.meta.next));
      results = [];
    } else {
      loaded = await Promise.all(results.slice(0, PAGE).map(load));
      results = results.slice(PAGE);
    }
    render(id, loaded, results, { count: search.results.length, none: nearby ? "none_near" : "none" });
    if (state.placeText && !state.place) suggestTown(id, state.placeText);
    else if (!search.results.length && state.q) suggestWords(id, state.q);
    if (nearby && !search.results.length) offerBeyond(id);
    requestCounts(id, nearby);
  } catch (error) {
    if (id !== latest) return;
    list.setAttribute("aria-busy", "false");
    facetList.setAttribute("aria-busy", "false");
    status.textContent = say("unavailable_search");
    console.error(error);
  }
}

// After a search near a place, the feed and calendar of the town of the nearest library found
// (search/towns.json: each town page with its libraries). Only the site's own files are fetched.
async function offerToFollow(id, nearby) {
  if (!nearby?.length) return;
  try {
    towns ??= await loadTowns();
  } catch (error) {
    console.warn(error); // the offer is a bonus: the search goes on without it
    return;
  }
  const town = nearby.map(({ id: library }) => towns.get(library)).find(Boolean);
  if (!town || id !== latest) return;
  const [page, name] = town;
  const link = element("a", "", name);
  link.href = new URL(page, pages).href;
  const [before, after = ""] = followNear.dataset.title.split("{town}");
  followNear.querySelector("[data-follow-title]").replaceChildren(before, link, after);
  // The links have no address in the page (no town is known there), nor what only a link may have.
  const feed = followNear.querySelector('[data-follow="feed"]');
  Object.assign(feed, { href: new URL(`feeds/${page.replace(/\/$/, "")}.atom`, root).href, type: "application/atom+xml" });
  const ics = followNear.querySelector('[data-follow="ics"]');
  Object.assign(ics, { href: new URL(`${page}circles.ics`, root).href, type: "text/calendar" });
  if ("download" in ics.dataset) ics.setAttribute("download", "");
  // webcal://, there when the site has a public address, which it gives (data-webcal-root).
  const webcal = followNear.querySelector('[data-follow="webcal"]');
  if (webcal) webcal.href = `${webcal.dataset.webcalRoot}${page}circles.ics`;
  followNear.hidden = false;
}

// "Did you mean python?" for "pyhton" (suggest.js); the link searches for the word meant.
async function suggestWords(id, q) {
  const better = await betterQuery(root, q).catch((error) => console.warn(error)); // a bonus, as the town to follow is
  if (!better || id !== latest) return;
  offer(better, `${location.pathname}?${new URLSearchParams({ q: better })}`, () => {
    state.q = better;
    query.value = better;
  });
}

// "Did you mean Toronto, CA?" for a town near me does not know ("Torronto"): the directory's towns (suggest.js).
async function suggestTown(id, text) {
  const better = await loadTownsJson().then((all) => betterTown(all, text)).catch((error) => console.warn(error));
  if (!better || id !== latest) return;
  const params = new URLSearchParams(location.search);
  params.set("place", better);
  offer(better, `${location.pathname}?${params}`, async () => {
    placeInput.value = better;
    await choosePlace(better);
  });
}

// The sentence "Did you mean {word}?" as written, its {word} a link that takes the choice and searches.
function offer(better, href, choose) {
  const link = element("a", "", better);
  link.href = href;
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    await choose();
    commit(true);
  });
  const [before, after = ""] = (words.suggest ?? "{word}").split("{word}"); // say() would empty {word}
  suggestion.replaceChildren(before, link, after);
  suggestion.hidden = false;
}

// Near a place where nothing matches (issue 23): the nearest circles beyond the radius with their
// distance, from the nearest 100 libraries, then 1,000, then anywhere; and the online circles in the
// page's language. A dead end no more, and still nothing leaves the browser.
async function offerBeyond(id) {
  const all = await nearbyLibraries(state.place, Infinity);
  const km = Object.fromEntries(all.map(({ id: library, km: d }) => [library, d]));
  let found = [];
  for (const size of [100, 1000, Infinity]) {
    const search = await find(state.q || EVERY, searchOptions(size < all.length ? all.slice(0, size) : null));
    if (id !== latest) return;
    const loaded = await Promise.all(search.results.slice(0, NEAR_LIMIT).map(load));
    found = loaded.filter((r) => km[r.meta.library] !== undefined).map((r) => Object.assign(r, { km: km[r.meta.library] }));
    if (found.length || size >= all.length) break;
  }
  if (id !== latest) return;
  found.sort((a, b) => a.km - b.km || a.meta.next.localeCompare(b.meta.next));
  if (found.length) {
    const title = $("[data-beyond-title]");
    title.textContent = title.dataset.title.replace("{radius}", radiusLabel());
    $("[data-beyond-list]").replaceChildren(...found.slice(0, BEYOND).map(card));
    beyond.hidden = false;
    announce(found.slice(0, BEYOND));
  }
  await offerOnline(id);
}

async function offerOnline(id) {
  const lang = document.documentElement.lang.split("-")[0];
  const tags = Object.keys(first.totals?.language ?? {}).filter((tag) => tag.split("-")[0] === lang);
  if (!tags.length) return;
  const filters = { ...pagefindFilters(null), format: { any: ONLINE_FORMATS }, language: { any: tags } };
  const search = await find(state.q || EVERY, { filters, sort: state.q ? undefined : { order: "asc" } });
  if (id !== latest || !search.results.length) return;
  const loaded = await Promise.all(search.results.slice(0, ONLINE).map(load));
  if (id !== latest) return;
  const language = valueLabel("language", tags[0]);
  const title = $("[data-online-title]");
  title.textContent = title.dataset.title.replace("{language}", language);
  $("[data-online-list]").replaceChildren(...loaded.map(card));
  const all = $("[data-online-all]");
  all.textContent = all.dataset.text.replace("{language}", language);
  const params = new URLSearchParams(state.q ? { q: state.q } : {});
  ONLINE_FORMATS.forEach((format) => params.append("format", format));
  tags.forEach((tag) => params.append("language", tag));
  all.href = `${location.pathname}?${params}`;
  online.hidden = false;
}

// search/towns.json (each town page: [its name, its libraries]), fetched once for both its uses:
// the town to follow after a search near a place, and the town meant when near me knows none.
let townsJson;
function loadTownsJson() {
  townsJson ??= fetch(new URL("search/towns.json", root)).then((response) => {
    if (!response.ok) throw new Error(`search/towns.json: HTTP ${response.status}`);
    return response.json();
  }).catch((error) => {
    townsJson = null; // tried again next time
    throw error;
  });
  return townsJson;
}

async function loadTowns() {
  const found = new Map();
  for (const [page, [name, ids]] of Object.entries(await loadTownsJson())) {
    for (const library of ids) found.set(library, [page, name]);
  }
  return found;
}

function drawFacets(id, counts, totals) {
  if (id !== latest) return;
  renderFacets(counts, totals);
  facetList.setAttribute("aria-busy", "false");
}

async function load(result) {
  const data = await result.data();
  return { url: pageUrl(data.url), meta: shownMeta(data.meta) };
}

// A result's address is its page in the site's first language (under the root): this page's
// language has the same page under its own folder.
function pageUrl(url) {
  const found = new URL(url, root);
  if (!found.pathname.startsWith(root.pathname)) return found.href;
  return new URL(found.pathname.slice(root.pathname.length) + found.hash, pages).href;
}

// A result's fields in this page's words: its schedule in this language, its status labelled.
function shownMeta(meta) {
  return { ...meta, when: meta[whenKey] ?? meta.when, where: meta.where || say("online"),
           status_label: say(`status_${meta.status}`) };
}

function render(id, loaded, rest, { count = 0, none = "none" } = {}) {
  if (id !== latest) return;
  list.setAttribute("aria-busy", "false");
  shown = loaded;
  pending = rest || [];
  list.replaceChildren(...loaded.map(card));
  more.hidden = pending.length === 0;
  // A town the gazetteer does not know is searched without it: say so before the count, which would hide it.
  const unknown = state.placeText && !state.place ? `${say("unknown_place", { place: state.placeText })} ` : "";
  if (!count) status.textContent = unknown + say(none, { radius: radiusLabel(), place: placeName() });
  else if (state.place) status.textContent = say("near", { count: plural(count), radius: radiusLabel(), place: placeName() });
  else status.textContent = unknown + plural(count);
  pastNote.hidden = !count || Boolean(state.filters.status);
  announce();
}

async function showMore() {
  const id = latest;
  if (moreFromSearch) {
    const search = await findInOrder(EVERY, null);
    if (id !== latest) return;
    pending = search.results.slice(shown.length);
    moreFromSearch = false;
  }
  const next = await Promise.all(pending.slice(0, PAGE).map(load));
  if (id !== latest) return;
  pending = pending.slice(PAGE);
  shown = shown.concat(next);
  list.append(...next.map(card));
  more.hidden = pending.length === 0;
  list.children[shown.length - next.length]?.querySelector("a")?.focus();
  announce();
}

function announce(listed = shown) {
  const results = listed.map(({ url, meta }) => ({
    url, title: meta.title, when: meta.when, where: meta.where, status: meta.status,
    statusLabel: meta.status_label, format: meta.format,
    lat: meta.lat ? parseFloat(meta.lat) : null, lon: meta.lon ? parseFloat(meta.lon) : null,
  }));
  document.dispatchEvent(new CustomEvent("circles:results", { detail: { results } }));
}

// Drawing

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function card({ url, meta, km }) {
  const item = element("li");
  const article = element("article", "card");
  const heading = element("h3", "card__title");
  const link = element("a", "", meta.title);
  link.href = url;
  heading.append(link);
  const tags = element("p", "card__tags");
  tags.append(element("span", `badge badge--${/^[a-z_]+$/.test(meta.status) ? meta.status : "open"}`, meta.status_label));
  const facts = element("dl", "facts");
  const fact = (label, value) => value && facts.append(element("dt", "", say(label)), element("dd", "", value));
  fact("when", meta.when);
  fact("where", meta.where);
  fact("local", localTime(meta));
  if (km !== undefined) fact("distance", say("away", { distance: formatDistance(km, undefined, unit()) }));
  article.append(heading, tags, facts);
  item.append(article);
  return item;
}

function localTime(meta) {
  if (meta.format === "in_person" || !meta.next || !meta.timezone) return "";
  const mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (mine === meta.timezone) return "";
  const time = new Intl.DateTimeFormat(document.documentElement.lang, {
    weekday: "short", hour: "numeric", minute: "2-digit", timeZoneName: "short",
  }).format(new Date(meta.next));
  return time;
}

// Days, times of day and statuses in their own order (Monday first), the other facets' values by label.
const IN_ORDER = {
  status: ["open", "full", "in_progress", "past"],
  weekday: ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
  time: ["morning", "afternoon", "evening"],
};
function facetOrderOf(key) {
  const order = IN_ORDER[key];
  if (!order) return (a, b) => valueLabel(key, a).localeCompare(valueLabel(key, b));
  return (a, b) => order.indexOf(a) - order.indexOf(b);
}

function renderFacets(counts, totals) {
  const groups = [];
  for (const [key, heading] of facetOrder) {
    const values = Object.keys(totals?.[key] ?? {}).sort(facetOrderOf(key));
    if (!values.length) continue;
    const fieldset = element("fieldset", "facet");
    fieldset.append(element("legend", "", heading));
    for (const value of values) {
      const label = element("label", "facet__option");
      const box = element("input");
      box.type = "checkbox";
      box.name = key;
      box.value = value;
      box.checked = (state.filters[key] || []).includes(value);
      const count = counts?.[key]?.[value] ?? 0;
      // Long facets (topics, networks) list only what can still match, and what is ticked.
      if (values.length > 8 && !count && !box.checked) continue;
      label.append(box, ` ${valueLabel(key, value)} `, element("span", "facet__count", `(${count})`));
      if (!count && !box.checked) label.classList.add("facet__option--empty");
      fieldset.append(label);
    }
    groups.push(fieldset);
  }
  const focused = document.activeElement?.closest?.(".facet") ? [document.activeElement.name, document.activeElement.value] : null;
  facetList.replaceChildren(...groups);
  const ticked = Object.values(state.filters).flat().length;
  facetsToggle.textContent = ticked ? facetsToggle.dataset.labelSome.replace("{count}", ticked) : facetsToggle.dataset.label;
  if (Object.keys(state.filters).length) {
    const clear = element("button", "button button--secondary", say("clear"));
    clear.type = "button";
    clear.addEventListener("click", () => { state.filters = {}; commit(true); query.focus(); });
    facetList.append(clear);
  }
  if (focused) facetList.querySelector(`input[name="${CSS.escape(focused[0])}"][value="${CSS.escape(focused[1])}"]`)?.focus();
}

function radiusLabel() {
  return radiusSelect.selectedOptions[0]?.textContent ?? `${state.radius} km`;
}

function placeName() {
  return state.place?.label || state.placeText;
}

// Events

function commit(push) {
  writeState({ push });
  return run();
}

// Every keystroke searches at once: a search takes a few milliseconds, and an answer that a
// newer keystroke overtakes is dropped before its fragments are fetched.
query.addEventListener("input", () => {
  const q = query.value.trim();
  if (q === state.q) return;
  state.q = q;
  commit(false);
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  state.q = query.value.trim();
  await choosePlace(placeInput.value.trim());
  await commit(true);
  list.querySelector("a")?.focus(); // straight to the first result, for keyboard and screen-reader users
});

facetList.addEventListener("change", (event) => {
  const { name, value, checked } = event.target;
  const values = new Set(state.filters[name] || []);
  checked ? values.add(value) : values.delete(value);
  if (values.size) state.filters[name] = [...values];
  else delete state.filters[name];
  commit(true);
});

async function choosePlace(text) {
  if (!text) {
    state.place = null;
    state.placeText = "";
    return;
  }
  if (state.place && text === state.place.label) return;
  const [best] = await findPlaces(text, { limit: 1 });
  state.placeText = text;
  state.place = best ? { label: best.label, lat: best.lat, lon: best.lon, country: best.country } : null;
  fillRadius();
  // The radius searched is the one shown: in the place's unit, the choice nearest the one before.
  state.radius = parseFloat(radiusSelect.value) || state.radius;
  if (!best) status.textContent = say("unknown_place", { place: text });
}

let suggesting;
placeInput.addEventListener("input", () => {
  clearTimeout(suggesting);
  suggesting = setTimeout(async () => {
    const options = await findPlaces(placeInput.value, { limit: 8 });
    $("#place-options").replaceChildren(...options.map((p) => Object.assign(element("option"), { value: p.label })));
  }, 80);
});

placeInput.addEventListener("change", async () => {
  await choosePlace(placeInput.value.trim());
  commit(true);
});

radiusSelect.addEventListener("change", () => {
  state.radius = parseFloat(radiusSelect.value);
  commit(true);
});

unitSelect.addEventListener("change", () => {
  state.unit = unitSelect.value;
  fillRadius();
  state.radius = parseFloat(radiusSelect.value);
  commit(true);
});

$("[data-locate]").addEventListener("click", async () => {
  status.textContent = say("locating");
  try {
    const here = await currentPosition();
    // About a kilometre (two decimals): the search's address is shared and kept, and must not say
    // where the visitor lives (issue 23). Distances change by less than that.
    const rough = (degrees) => Math.round(degrees * 100) / 100;
    state.place = { label: say("my_location"), lat: rough(here.lat), lon: rough(here.lon) };
    placeInput.value = state.place.label;
    commit(true);
  } catch (error) {
    status.textContent = say(error.reason in words ? error.reason : "unavailable");
  }
});

more.addEventListener("click", showMore);
(window.requestIdleCallback ?? ((then) => setTimeout(then, 200)))(getReady, { timeout: 2000 });

// On a phone the town and radius, and the facets, each open below their button (search.css).
function toggles(button, panel, openClass) {
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    panel.classList.toggle(openClass, open);
    if (open) panel.querySelector("input, select")?.focus();
  });
}
toggles(facetsToggle, facetList, "facets--open");
toggles($("[data-near-toggle]"), nearPlace, "near-place--open");

// Back and forward between searches. A jump within the page ("Skip to results", #results) is a
// history entry too, with the same search: redrawing the results then would take away the focus.
window.addEventListener("popstate", () => {
  if (location.search === searched) return;
  searched = location.search;
  state = readState(new URLSearchParams(location.search));
  showState();
  run();
});

// Start

fillRadius();
// The default is the first choice of at least 25 km (15 miles where miles are used).
radiusSelect.value = [...radiusSelect.options].find((o) => parseFloat(o.value) >= DEFAULT_RADIUS - 1)?.value ?? "";
if (!new URLSearchParams(location.search).has("r")) state.radius = parseFloat(radiusSelect.value) || DEFAULT_RADIUS;
for (const node of document.querySelectorAll("[data-js-only]")) node.hidden = false;
if (state.placeText && !state.place) await choosePlace(state.placeText);
showState();
run();
