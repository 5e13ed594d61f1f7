// The facets' counts, worked out in a worker thread of their own. Pagefind counts every loaded
// filter in every search, which takes longer than the search itself on a large directory; here
// it runs beside the page's searches instead of before them. Only the newest request is
// answered: one that a newer request overtakes is dropped between its searches.
import { openIndex } from "./bundles.js";

let preloaded = false;
let next = null;
let working = false;

self.addEventListener("message", ({ data }) => {
  next = data;
  if (!working) work();
});

async function work() {
  working = true;
  while (next) {
    const job = next;
    next = null;
    try {
      const answer = await count(job);
      if (answer) self.postMessage({ id: job.id, ...answer });
    } catch (error) {
      self.postMessage({ id: job.id, error: String(error) });
    }
  }
  working = false;
}

async function start({ root, bundles, baseUrl, every, facets }) {
  const index = await openIndex(new URL(root), bundles, baseUrl);
  if (index && !preloaded) {
    // Every facet's values, so that each search counts them all.
    await index.preload(every, { filters: Object.fromEntries(facets.map((key) => [key, { any: [] }])) });
    preloaded = true;
  }
  return index;
}

// job: {id, root, bundles, baseUrl, every, facets, term, sort, filters, without: {facet: filters}};
// a job without a term only gets Pagefind and the facets' values ready.
async function count(job) {
  const index = await start(job);
  if (job.term === undefined) return null;
  if (!index) return { counts: {}, totals: {} };
  const search = await index.search(job.term, { filters: job.filters, sort: job.sort });
  const counts = { ...search.filters };
  for (const [key, filters] of Object.entries(job.without)) {
    if (next) return null; // overtaken: the page no longer wants these counts
    counts[key] = (await index.search(job.term, { filters, sort: job.sort })).filters[key];
  }
  return { counts, totals: search.totalFilters };
}
