// "Did you mean …?" on the search page, when a search finds nothing or near me does not know a town:
// the words and towns the directory itself contains (search/words.json, written by
// plugins/circles/exports/words.py, fetched here, and search/towns.json, by exports/follow.py,
// which search.js fetches), nearest first. Only the site's own files are fetched; everything typed
// stays in the browser.
import { fold } from "./places.js";

let known; // {word: how many circles have it}, loaded on first use

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response.json();
}

/** The query with each word the directory does not have put right ("pyhton" → "python"), or null. */
export async function betterQuery(root, q) {
  known ??= await fetchJson(new URL("search/words.json", root));
  const typed = q.toLowerCase().split(/[^\p{L}]+/u).filter(Boolean);
  const fixed = typed.map((word) => (word.length < 3 || word in known ? word : nearest(word, known) ?? word));
  return fixed.every((word, i) => word === typed[i]) ? null : fixed.join(" ");
}

/** The directory's town nearest to a town the gazetteer did not know ("Torronto" → "Toronto, CA"), or null.
    ``towns`` is search/towns.json; each town is named with its country, from its page's address (browse/ca/toronto/). */
export function betterTown(towns, text) {
  const names = Object.entries(towns).map(([page, [name]]) => [fold(name), `${name}, ${page.split("/")[1].toUpperCase()}`]);
  const typed = fold(text.split(",")[0]);
  const best = typed.length >= 3 ? nearest(typed, Object.fromEntries(names.map(([folded]) => [folded, 1]))) : null;
  return names.find(([folded]) => folded === best)?.[1] ?? null;
}

// The most frequent of the words nearest to `word`, at most two edits away (one for short words).
function nearest(word, counts) {
  const most = word.length <= 4 ? 1 : 2;
  let best = null;
  let bestDistance = most + 1;
  for (const [candidate, count] of Object.entries(counts)) {
    if (Math.abs(candidate.length - word.length) > most) continue;
    const d = editDistance(word, candidate);
    if (d < bestDistance || (d === bestDistance && count > counts[best])) [best, bestDistance] = [candidate, d];
  }
  return best;
}

// Damerau–Levenshtein distance (optimal string alignment: "pyhton" is one swap from "python").
function editDistance(a, b) {
  const rows = [...Array(a.length + 1)].map((_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}
