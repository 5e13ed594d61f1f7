// Leaflet maps for the containers that partials/map.html writes ([data-map]).
//
// Every map repeats what the text beside it says, so when anything here fails the
// container simply stays hidden. Text from records reaches the map only through
// textContent, title and alt, never through innerHTML. Kinds:
//   place    one venue: data-lat, data-lon, data-label, optional data-approximate="true"
//   points   the items carrying data-lat/data-lon/data-label of the list whose id is data-points
//   results  the search page: markers follow the latest `circles:results` event on document
// A container with data-deferred waits for its button ([data-map-open] whose aria-controls is its id).

// Leaflet, its cluster plug-in and their styles load only once a page has a map to draw, from the
// theme's vendor/ folder beside js/: the pages themselves carry one script tag and nothing more.
let L = null;
const theme = (path) => new URL(`../${path}`, import.meta.url).href;
// Where the site's pages start; result URLs are relative to it.
const root = new URL(document.documentElement.dataset.root || "./", location.href);
// map-settings.json sits in the theme's folder, one level above js/, wherever that is published.
const settingsUrl = new URL("../map-settings.json", import.meta.url);

const PLACE_ZOOM = 16;
const APPROXIMATE_ZOOM = 13;
const APPROXIMATE_RADIUS_METRES = 1500;
const FIT = { padding: [32, 32], maxZoom: 15 };
// The results map before any results, or when none has a place.
const WORLD = [20, 0];
const WORLD_ZOOM = 2;

// Listen before anything is awaited, so results sent while the map loads are not lost.
let latestResults = null;
const resultMaps = []; // [map, cluster group] of each results map drawn
document.addEventListener("circles:results", (event) => {
  latestResults = Array.isArray(event.detail?.results) ? event.detail.results : [];
  for (const [map, group] of resultMaps) showResults(map, group, latestResults);
});

function load(tag, attributes) {
  return new Promise((resolve, reject) => {
    const element = Object.assign(document.createElement(tag), attributes);
    element.addEventListener("load", resolve);
    element.addEventListener("error", () => reject(new Error(`map: cannot load ${attributes.href || attributes.src}`)));
    document.head.append(element);
  });
}

async function loadLeaflet() {
  const styles = ["vendor/leaflet/leaflet.css", "vendor/markercluster/MarkerCluster.css",
    "vendor/markercluster/MarkerCluster.Default.css", "css/map.css"];
  await Promise.all([
    ...styles.map((path) => load("link", { rel: "stylesheet", href: theme(path) })),
    // Scripts added by a script run in the order they load: the plug-in needs Leaflet first.
    load("script", { src: theme("vendor/leaflet/leaflet.js") }),
  ]);
  await load("script", { src: theme("vendor/markercluster/leaflet.markercluster.js") });
  return window.L;
}

async function loadSettings() {
  const response = await fetch(settingsUrl);
  if (!response.ok) throw new Error(`${settingsUrl}: HTTP ${response.status}`);
  return response.json();
}

// A tile URL template may be relative to the site; URL() would escape its {z}/{x}/{y}.
function tileTemplate(tiles) {
  return /^([a-z][a-z0-9+.-]*:)?\/\//i.test(tiles) ? tiles : root.href + tiles;
}

function createMap(container, settings) {
  container.hidden = false; // Leaflet measures the container, so it must be shown first.
  const map = L.map(container, {
    // Small maps in a page must not catch the wheel while the reader scrolls past.
    scrollWheelZoom: container.dataset.map === "results",
    maxZoom: settings.max_zoom,
  });
  const tiles = L.tileLayer(tileTemplate(settings.tiles), {
    attribution: settings.attribution, // HTML from the site's settings, not from records
    maxZoom: settings.max_zoom,
  });
  noteWhenTilesFail(map, tiles, container.dataset.textOffline);
  // Leaflet closes a popup on Escape only while the map itself has focus, not a link in the popup.
  container.addEventListener("keydown", (event) => event.key === "Escape" && map.closePopup());
  return map.addLayer(tiles);
}

// Leaflet measures its container once, when the view is first set. A container inside a parent
// that is still hidden (the search page shows its layout only once its script runs) measures
// 0×0 and every fit is wrong; so follow the container's size, and fit again once it has one.
function fitNowAndWhenSized(map, container, fit) {
  const hasSize = () => container.clientWidth > 0 && container.clientHeight > 0;
  let sized = hasSize();
  fit();
  new ResizeObserver(() => {
    map.invalidateSize();
    if (!sized && hasSize()) fit();
    sized = hasSize();
  }).observe(container);
}

// Offline or blocked tiles would leave a blank grey box; say why instead.
function noteWhenTilesFail(map, tiles, text) {
  let loaded = false;
  let note = null;
  tiles.on("tileload", () => {
    loaded = true;
    note?.remove();
    note = null;
  });
  tiles.on("tileerror", () => {
    if (loaded || note || !text) return;
    note = new (L.Control.extend({
      onAdd() {
        const p = L.DomUtil.create("p", "map-note");
        p.setAttribute("role", "status");
        p.textContent = text;
        return p;
      },
    }))({ position: "topright" }).addTo(map);
  });
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// Popup content: a link to the record, then a line of plain text per detail given.
function popupContent(title, href, lines) {
  const box = element("div", "", "map-popup");
  const heading = element("p", "", "map-popup__title");
  const link = heading.appendChild(element("a", title));
  link.href = href;
  box.append(heading, ...lines.filter(Boolean).map((line) => element("p", String(line))));
  return box;
}

function pointMarker({ lat, lon, label }, content) {
  // keyboard: the marker is a focusable button named by title and alt (Leaflet's own option).
  const marker = L.marker([lat, lon], { title: label, alt: label, keyboard: true });
  // Pan the popup clear of the zoom buttons, which would otherwise cover its first line.
  marker.bindPopup(content, { autoPanPaddingTopLeft: [10, 84] });
  focusPopupFromKeyboard(marker);
  return marker;
}

// Leaflet opens a marker's popup on Enter, but the popup lies after every marker in the
// tab order; move focus into it, and back to the marker when it closes.
function focusPopupFromKeyboard(marker) {
  marker.on("keypress", (event) => {
    if (event.originalEvent.key !== "Enter") return;
    marker.getPopup()?.getElement()?.querySelector("a")?.focus({ preventScroll: true });
    marker.once("popupclose", () => {
      const popup = marker.getPopup()?.getElement();
      const active = document.activeElement;
      if (!active || active === document.body || popup?.contains(active)) marker.getElement()?.focus();
    });
  });
}

// The number a cluster shows would be a poor name for the button its icon becomes.
// Made once Leaflet has loaded (loadLeaflet).
let ClusterIcon = null;
function clusterIconClass() {
  ClusterIcon ??= L.DivIcon.extend({
    createIcon(oldIcon) {
      const icon = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      icon.setAttribute("aria-label", this.options.label);
      return icon;
    },
  });
  return ClusterIcon;
}

function clusterGroup(container) {
  const label = container.dataset.textCluster || "{count}";
  const group = L.markerClusterGroup({
    // Animated splits finish on a timer, and markers redrawn before it fires stay hidden;
    // results can change faster than that. Also spares motion to those who would rather not.
    animate: false,
    iconCreateFunction(cluster) {
      const count = cluster.getChildCount();
      const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
      const inner = element("div");
      inner.append(element("span", String(count)));
      const Icon = clusterIconClass();
      return new Icon({
        html: inner, className: `marker-cluster marker-cluster-${size}`, iconSize: L.point(40, 40),
        label: label.replace("{count}", count),
      });
    },
  });
  // A cluster zooms in on click only; give Enter the same effect (MarkerCluster then refocuses the map).
  group.on("clusterkeypress", (event) => {
    if (event.originalEvent.key === "Enter") event.layer.fire("click", { originalEvent: event.originalEvent }, true);
  });
  return group;
}

function readPoint(node) {
  const lat = Number.parseFloat(node.dataset.lat);
  const lon = Number.parseFloat(node.dataset.lon);
  return Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon, label: node.dataset.label || "" } : null;
}

function drawPlace(container, settings) {
  const point = readPoint(container);
  if (!point) return;
  const approximate = container.dataset.approximate === "true";
  const map = createMap(container, settings);
  const content = element("p", point.label, "map-popup__title");
  pointMarker(point, content).addTo(map);
  if (approximate) L.circle([point.lat, point.lon], { radius: APPROXIMATE_RADIUS_METRES, interactive: false }).addTo(map);
  fitNowAndWhenSized(map, container, () => map.setView([point.lat, point.lon], approximate ? APPROXIMATE_ZOOM : PLACE_ZOOM));
}

function drawPoints(container, settings) {
  const list = document.getElementById(container.dataset.points || "");
  const items = list ? [...list.querySelectorAll("[data-lat][data-lon]")] : [];
  const group = clusterGroup(container);
  for (const item of items) {
    const point = readPoint(item);
    const link = item.querySelector("a[href]");
    if (!point) continue;
    const content = link ? popupContent(point.label, link.href, [item.dataset.where]) : element("p", point.label);
    group.addLayer(pointMarker(point, content));
  }
  if (!group.getLayers().length) return;
  const map = createMap(container, settings);
  // The view comes first: a cluster group cannot be added to a map that has none.
  fitNowAndWhenSized(map, container, () => map.fitBounds(group.getBounds(), FIT));
  map.addLayer(group);
}

function showResults(map, group, results) {
  group.clearLayers();
  for (const result of results) {
    const { lat, lon } = result ?? {};
    // Online circles have no place: their lat and lon are null.
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) continue;
    const title = String(result.title ?? "");
    const href = new URL(String(result.url ?? ""), root).href;
    const lines = [result.when, result.where, result.statusLabel || result.status];
    group.addLayer(pointMarker({ lat, lon, label: title }, popupContent(title, href, lines)));
  }
  fitResults(map, group);
}

function fitResults(map, group) {
  // Jump rather than glide: the next results may come before a zoom animation ends.
  if (group.getLayers().length) map.fitBounds(group.getBounds(), { ...FIT, animate: false });
  else map.setView(WORLD, WORLD_ZOOM, { animate: false });
}

function drawResults(container, settings) {
  const map = createMap(container, settings);
  const group = clusterGroup(container);
  fitNowAndWhenSized(map, container, () => fitResults(map, group));
  map.addLayer(group);
  resultMaps.push([map, group]);
  if (latestResults) showResults(map, group, latestResults);
}

const draw = { place: drawPlace, points: drawPoints, results: drawResults };

// Leaflet and the map settings, loaded once, on the first map to draw.
let ready = null;
function loadOnce() {
  ready ??= Promise.all([loadLeaflet(), loadSettings()]).catch((error) => {
    ready = null; // a later map may try again
    throw error;
  });
  return ready;
}

async function drawMaps(containers) {
  const [leaflet, settings] = await loadOnce();
  L = leaflet;
  if (!L?.markerClusterGroup) return;
  for (const container of containers) {
    try {
      draw[container.dataset.map]?.(container, settings);
    } catch (error) {
      container.hidden = true;
      console.error("map:", error);
    }
  }
  // A search that dispatched before this module ran can send its results again.
  document.dispatchEvent(new CustomEvent("circles:map-ready"));
}

// A deferred map (data-deferred) asks the tile server for nothing, and loads no Leaflet, until the
// visitor presses its button: the tiles of a search near them would tell the server where they are.
// Once opened, the maps of later pages in the same tab open by themselves: the visitor asked for them.
const OPENED = "circles:map-opened";

function openedBefore() {
  try {
    return sessionStorage.getItem(OPENED) === "yes";
  } catch {
    return false; // storage refused: ask again on each page
  }
}

// The button that opens a deferred map: the [data-map-open] whose aria-controls is the map's id.
function openButton(container) {
  return container.id ? document.querySelector(`[data-map-open][aria-controls="${CSS.escape(container.id)}"]`) : null;
}

function whenAskedFor(container) {
  const button = openButton(container);
  if (!button) return;
  button.addEventListener("click", async () => {
    button.hidden = true;
    try {
      sessionStorage.setItem(OPENED, "yes");
    } catch {
      // not kept: this page's map opens all the same
    }
    await drawMaps([container]);
    container.focus({ preventScroll: false });
  }, { once: true });
}

async function main() {
  const containers = [...document.querySelectorAll("[data-map]")];
  const later = openedBefore() ? [] : containers.filter((container) => "deferred" in container.dataset);
  later.forEach(whenAskedFor);
  const now = containers.filter((container) => !later.includes(container));
  for (const container of now) {
    const button = openButton(container); // opened earlier in this visit: no button to press
    if (button) button.hidden = true;
  }
  if (now.length) await drawMaps(now);
}

main().catch((error) => console.error("map:", error));
