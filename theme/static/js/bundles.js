// The search index comes in bundles, each the circles of some whole months, oldest first
// (plugins/circles/pagefind.py). One Pagefind instance opens the first bundle and merges the
// others into it, each tagged with a "bundle" filter of its own name.

let opened = null; // the instance, opened once whoever asks

export function openIndex(root, bundles, baseUrl) {
  opened ??= open(root, bundles, baseUrl).catch((error) => {
    opened = null; // the next search tries again
    throw error;
  });
  return opened;
}

async function open(root, bundles, baseUrl) {
  if (!bundles.length) return null; // a directory without circles to search
  const folder = (name) => new URL(`pagefind/${name}/`, root).href;
  const { createInstance } = await import(`${folder(bundles[0])}pagefind.js`);
  const index = createInstance({ basePath: folder(bundles[0]), baseUrl, mergeFilter: { bundle: bundles[0] } });
  await index.init();
  for (const name of bundles.slice(1)) await index.mergeIndex(folder(name), { baseUrl, mergeFilter: { bundle: name } });
  return index;
}

// Pagefind ranks merged results by score. Searched by relevance, that is the order wanted. In
// date order, each bundle scores its results by their place in its own order (0, -1, -2…), so
// the bundles would interleave: there each bundle is searched on its own, and their results
// follow one another, oldest bundle first.
export async function searchIndex(index, bundles, term, options) {
  if (!index) return { results: [] };
  if (!options.sort || bundles.length < 2) return index.search(term, options);
  const parts = await Promise.all(bundles.map((name) =>
    index.search(term, { ...options, filters: { ...options.filters, bundle: { any: [name] } } })));
  return { results: parts.flatMap((part) => part.results) };
}
