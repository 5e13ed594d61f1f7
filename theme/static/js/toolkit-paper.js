// The toolkit's downloads page lists each paper size's ZIP and PDF, the one likeliest in the page's
// language first (toolkit_model.papers_for). This puts the paper of the visitor's own region first:
// the region of their browser's language (en-CA), or the likeliest one for it (es → ES). Without
// this script both are there, in the page's order.
const list = document.querySelector("[data-papers]");
const regions = new Set((list?.dataset.letterRegions || "").split(" "));
const tag = (navigator.languages && navigator.languages[0]) || navigator.language;
let region = "";
try {
  region = new Intl.Locale(tag).maximize().region || "";
} catch {
  region = "";
}
const first = list && region && list.querySelector(`[data-paper="${regions.has(region) ? "letter" : "a4"}"]`);
if (first) list.prepend(first);
