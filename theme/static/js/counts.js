// The facets' counts, worked out in a worker thread of their own. Pagefind counts every loaded
// filter in every search, which takes longer than the search itself on a large directory; here
// it runs beside the page's searches instead of before them. Only the newest request is
// answered: one that a newer request overtakes is dropped between its searches.
let engine;
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

async function start({ bundle, baseUrl, every, facets }) {
  if (!engine) {
    engine = await import(new URL("pagefind.js", bundle).href);
    await engine.options({ baseUrl });
    await engine.init();
    // Every facet's values, so that each search counts them all.
    await engine.preload(every, { filters: Object.fromEntries(facets.map((key) => [key, { any: [] }])) });
  }
}

// job: {id, bundle, baseUrl, every, facets, term, sort, filters, without: {facet: filters}};
// a job without a term only gets Pagefind and the facets' values ready.
async function count(job) {
  await start(job);
  if (job.term === undefined) return null;
  const search = await engine.search(job.term, { filters: job.filters, sort: job.sort });
  const counts = { ...search.filters };
  for (const [key, filters] of Object.entries(job.without)) {
    if (next) return null; // overtaken: the page no longer wants these counts
    counts[key] = (await engine.search(job.term, { filters, sort: job.sort })).filters[key];
  }
  return { counts, totals: search.totalFilters };
}
