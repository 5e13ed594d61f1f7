// "Near me": the browser's own position, or a typed town looked up in the gazetteer the
// build ships under places/ (written by plugins/circles/exports/nearme.py, which documents the
// files). The only requests made are for those files, on the site's own origin: neither
// the typed town nor the position ever leaves the browser.

// Must match LETTERS in plugins/circles/directory/geography.py: letters NFKD keeps whole, spelt as people type them.
const LETTERS = { ß: "ss", æ: "ae", œ: "oe", ø: "o", ł: "l", đ: "d", ð: "d", þ: "th", ı: "i", ħ: "h", ŧ: "t", ŋ: "n", ς: "σ" };
const LETTER_RE = new RegExp(`[${Object.keys(LETTERS).join("")}]`, "gu");
const KM_PER_MILE = 1.609344;
const EARTH_RADIUS_KM = 6371.0088;
// Regions whose people measure road distances in miles.
const MILE_REGIONS = new Set(["US", "GB", "LR", "MM"]);
const RADII_KM = [5, 10, 25, 50, 100, 150];
const RADII_MILES = [3, 5, 10, 25, 50, 90];

/** Case- and accent-free form of a name, the same as geography.py's fold: "Łódź" → "lodz". */
export function fold(text) {
  return String(text ?? "")
    .normalize("NFKD")
    .toLowerCase()
    .replace(/\p{M}/gu, "")
    .replace(LETTER_RE, (letter) => LETTERS[letter])
    .replace(/[^\p{L}\p{N}]|\p{Lm}/gu, " ")
    .replace(/ +/g, " ")
    .trim();
}

const compact = (folded) => folded.replaceAll(" ", "");

// The key of a compact name's chunk: its first two characters, or "_" outside a-z and 0-9.
function baseKey(name) {
  const head = name.slice(0, 2);
  return /^[a-z0-9]+$/.test(head) ? head : "_";
}

let indexPromise = null;
const chunkPromises = new Map();

function placesUrl(file) {
  const root = new URL(document.documentElement.dataset.root || "./", location.href);
  return new URL(`places/${file}`, root);
}

async function fetchJson(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response.json();
}

function loadIndex() {
  // Kept for the page's life; a failure is forgotten so that the next search tries again.
  indexPromise ??= fetchJson(placesUrl("index.json")).then(prepareIndex).catch((error) => {
    indexPromise = null;
    throw error;
  });
  return indexPromise;
}

function prepareIndex(index) {
  const countries = new Map(Object.entries(index.aliases));
  const regions = new Map();  // folded name or abbreviation → ["US:CA", ...]
  for (const [country, table] of Object.entries(index.regions)) {
    for (const [code, [name, abbreviation]] of Object.entries(table)) {
      for (const alias of new Set([fold(name), fold(abbreviation)])) {
        regions.set(alias, [...(regions.get(alias) ?? []), `${country}:${code}`]);
      }
    }
  }
  return { ...index, countryAliases: countries, regionAliases: regions };
}

function loadChunk(index, file) {
  if (!chunkPromises.has(file)) {
    const url = placesUrl(`${file}.json`);
    url.searchParams.set("v", index.version);  // a rebuilt gazetteer is never mixed with cached chunks
    const rows = fetchJson(url).then((chunk) => chunk.map((row) => ({
      row, key: compact(fold(row[6] ?? row[0])), alias: row.length > 6,
    })));
    chunkPromises.set(file, rows.catch((error) => {
      chunkPromises.delete(file);
      throw error;
    }));
  }
  return chunkPromises.get(file);
}

// The files that can hold names starting with q. A key's pieces each start at a name,
// in order, so a piece is needed when q sorts before the next piece's start and its own
// start is q or before, or begins with q. (A one-letter q finds one-letter names only.)
function chunkFiles(index, q) {
  const key = baseKey(q);
  const starts = index.keys[key] ?? [];
  return starts.flatMap((start, n) => {
    const next = starts[n + 1];
    const holds = (next === undefined || q < next) && (start <= q || start.startsWith(q));
    return holds ? [n ? `${key}-${n}` : key] : [];
  });
}

// What a country or region typed after the name can mean: (row) → 2 for its country,
// 1 for its region, 0 for neither; null when the words name no place at all.
function qualifier(index, words, { prefix = false } = {}) {
  if (!words) return null;
  const countries = new Set();
  const regions = new Set();
  const add = (alias) => {
    if (index.countryAliases.has(alias)) countries.add(index.countryAliases.get(alias));
    for (const region of index.regionAliases.get(alias) ?? []) regions.add(region);
  };
  add(words);
  if (prefix && !countries.size && !regions.size && words.length >= 3) {
    for (const alias of [...index.countryAliases.keys(), ...index.regionAliases.keys()]) {
      if (alias.startsWith(words)) add(alias);
    }
  }
  if (!countries.size && !regions.size) return null;
  return (row) => (countries.has(row[2]) ? 2 : regions.has(`${row[2]}:${row[1]}`) ? 1 : 0);
}

// Every way to read the text: all of it as a name; the part before the last comma as a
// name and the rest as a country or region ("London, CA"); or the same with the last one
// to three words and no comma ("london ca", "paris texas", "perth western australia").
function readings(index, text) {
  const whole = fold(text);
  const found = [{ name: whole, where: null }];
  const comma = text.lastIndexOf(",");
  if (comma >= 0) {
    const where = qualifier(index, fold(text.slice(comma + 1)), { prefix: true });
    found.push({ name: fold(text.slice(0, comma)), where });
  }
  const words = whole.split(" ");
  for (let n = 1; n <= 3 && n < words.length; n++) {
    const where = qualifier(index, words.slice(-n).join(" "));
    if (where) found.push({ name: words.slice(0, -n).join(" "), where });
  }
  return found;
}

function toPlace(index, row) {
  const [name, code, country, lat, lon, population] = row;
  const region = code ? index.regions[country]?.[code]?.[0] ?? "" : "";
  const parts = [name, region !== name ? region : "", index.countries[country] ?? country];
  return { label: parts.filter(Boolean).join(", "), name, region, country, lat, lon, population };
}

/**
 * Towns whose name starts with the text, best first: whole names before prefixes, then the
 * country or region typed after the name, then the most populous. Resolves to
 * [{label, name, region, country, lat, lon, population}].
 */
export async function findPlaces(text, { limit = 8 } = {}) {
  const index = await loadIndex();
  const best = new Map();
  for (const { name, where } of readings(index, String(text ?? ""))) {
    const q = compact(name);
    if (!q) continue;
    // towns.json: the directory's own towns that the gazetteer lacks (exports/nearme.py).
    const files = [...chunkFiles(index, q), "towns"];
    const chunks = await Promise.all(files.map((file) => loadChunk(index, file)));
    for (const { row, key, alias } of chunks.flat()) {
      const whole = key === q;
      if (!whole && (alias || !key.startsWith(q))) continue;  // aliases match whole only
      const strength = where ? where(row) : 0;
      if (where && !strength) continue;
      const rank = [whole ? (alias ? 1 : 2) : 0, strength, row[5]];
      const id = row.slice(0, 6).join("|");
      if (!best.has(id) || compareRanks(rank, best.get(id).rank) > 0) best.set(id, { row, rank });
    }
  }
  return [...best.values()]
    .sort((a, b) => compareRanks(b.rank, a.rank) || (String(a.row) < String(b.row) ? -1 : 1))
    .slice(0, limit)
    .map(({ row }) => toPlace(index, row));
}

function compareRanks(a, b) {
  for (let n = 0; n < a.length; n++) if (a[n] !== b[n]) return a[n] - b[n];
  return 0;
}

/** Great-circle distance in km between two {lat, lon} points (haversine). */
export function distanceKm(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function region(locale) {
  try {
    return new Intl.Locale(locale).maximize().region ?? "";
  } catch {
    return "";
  }
}

/** True where people use miles: locales whose region (likely region for "en") is US, GB, LR or MM. */
export function usesMiles(locale = navigator.language) {
  return MILE_REGIONS.has(region(locale));
}

/**
 * "km" or "mi": the unit of the place's country when it is known (a typed town's: London, Ontario is
 * in kilometres whatever the browser says), else of the visitor's locale (usesMiles).
 */
export function distanceUnit(locale = navigator.language, country = "") {
  return (country ? MILE_REGIONS.has(country) : usesMiles(locale)) ? "mi" : "km";
}

function formatter(locale, unit, digits) {
  const options = { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: digits };
  try {
    return new Intl.NumberFormat(locale, options);
  } catch {
    return new Intl.NumberFormat("en", options);
  }
}

/** "3.4 km", "12 km", "2.1 mi": one decimal under 10, whole numbers above. */
export function formatDistance(km, locale = navigator.language, unit = distanceUnit(locale)) {
  const miles = unit === "mi";
  const value = miles ? km / KM_PER_MILE : km;
  return formatter(locale, miles ? "mile" : "kilometer", value < 10 ? 1 : 0).format(value);
}

/** The radius options, 5–150 km or 3–90 miles: [{km, label}], km being what to filter by. */
export function radiusChoices(locale = navigator.language, unit = distanceUnit(locale)) {
  const miles = unit === "mi";
  const format = formatter(locale, miles ? "mile" : "kilometer", 0);
  return (miles ? RADII_MILES : RADII_KM).map((value) => ({
    km: miles ? Math.round(value * KM_PER_MILE * 1000) / 1000 : value,
    label: format.format(value),
  }));
}

// The page says why in its own words (search.js: its messages by reason); the error's own message is for
// the console only.
function locationError(reason) {
  return Object.assign(new Error(`geolocation: ${reason}`), { reason });
}

/**
 * The browser's position as {lat, lon}. Rejects with an Error whose .reason is
 * "unsupported", "denied", "unavailable" or "timeout" (for a translated message).
 */
export function currentPosition({ timeout = 10000, maximumAge = 300000 } = {}) {
  return new Promise((resolve, reject) => {
    const geolocation = globalThis.navigator?.geolocation;
    // Browsers only offer the position to pages served over https (or from localhost).
    if (!geolocation || globalThis.isSecureContext === false) return reject(locationError("unsupported"));
    geolocation.getCurrentPosition(
      ({ coords }) => resolve({ lat: coords.latitude, lon: coords.longitude }),
      (error) => reject(locationError({ 1: "denied", 2: "unavailable", 3: "timeout" }[error.code] ?? "unavailable")),
      { timeout, maximumAge, enableHighAccuracy: false },
    );
  });
}
