// A course's page (course.html): its circles' cards sorted by distance from a town the visitor
// types, or from where the browser says the visitor is. Without JavaScript the cards stay in order
// of their next meeting. Every word shown comes translated from the page (data-messages); the town
// is looked up in the site's own gazetteer (places.js), and neither it nor the position leaves the
// browser. Each card's coordinates are its <li>'s data-lat and data-lon; online circles have none.
import { currentPosition, distanceKm, distanceUnit, findPlaces, formatDistance } from "./places.js";

// The page's language words the numbers; the place's country (or the visitor's locale) picks the unit.
const lang = document.documentElement.lang;

function point(item) {
  const lat = parseFloat(item.dataset.lat);
  const lon = parseFloat(item.dataset.lon);
  return Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon } : null;
}

function start(form) {
  const words = JSON.parse(form.dataset.messages);
  const list = form.closest("[data-nearest]").querySelector(".cards");
  const town = form.querySelector("input");
  const status = form.querySelector("[data-status]");
  // The cards in the page's order, which stays among equals and for the cards without a place.
  const cards = [...list.children].map((item) => ({ item, at: point(item) }));
  let latest = 0; // the newest request; answers to older ones are dropped

  const say = (key, fields = {}) =>
    (words[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(fields[name] ?? ""));
  const plural = (count) =>
    say(new Intl.PluralRules(lang).select(count) === "one" ? "count_one" : "count_other", { count });

  // The card's distance as one more of its facts, as search.js shows it; none removes it.
  const showDistance = (item, km, unit) => {
    for (const node of item.querySelectorAll("[data-distance]")) node.remove();
    if (km === null) return;
    const facts = [["dt", say("distance")], ["dd", say("away", { distance: formatDistance(km, lang, unit) })]];
    item.querySelector(".facts").append(...facts.map(([tag, text]) => {
      const node = Object.assign(document.createElement(tag), { textContent: text });
      node.setAttribute("data-distance", "");
      return node;
    }));
  };

  // Nearest first (Array.sort is stable), then the circles without a place; each card with its distance.
  const sortFrom = (place, label, unit) => {
    const measured = cards.map((card) => ({ ...card, km: card.at ? distanceKm(place, card.at) : null }));
    measured.forEach(({ item, km }) => showDistance(item, km, unit));
    const located = measured.filter((card) => card.at).sort((a, b) => a.km - b.km);
    list.append(...located.map((card) => card.item), ...measured.filter((card) => !card.at).map((card) => card.item));
    status.textContent = say("sorted", { count: plural(cards.length), place: label });
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = town.value.trim();
    if (!text) return;
    const asked = ++latest;
    let best;
    try {
      [best] = await findPlaces(text, { limit: 1 });
    } catch (error) {
      console.warn(error); // the gazetteer's files could not be loaded
      if (asked === latest) status.textContent = say("unavailable_search");
      return;
    }
    if (asked !== latest) return;
    if (best) sortFrom(best, best.label, distanceUnit(navigator.language, best.country));
    else status.textContent = say("unknown_place", { place: text });
  });

  form.querySelector("[data-locate]").addEventListener("click", async () => {
    const asked = ++latest;
    status.textContent = say("locating");
    try {
      const here = await currentPosition();
      if (asked === latest) sortFrom(here, say("my_location"), distanceUnit(navigator.language));
    } catch (error) {
      if (asked === latest) status.textContent = say(error.reason in words ? error.reason : "unavailable");
    }
  });

  form.hidden = false;
}

const form = document.querySelector("[data-nearest] [data-nearest-form]");
if (form) start(form);
