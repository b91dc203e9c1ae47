// Vigie page: loads the window over REST, then applies live events from /ws.
import { t, lang, setLang, applyStatic, onLangChange } from "./i18n.js";
import { LiveConnection } from "./ws.js";
import { OverviewView } from "./views/overview.js";
import { QuakesView } from "./views/quakes.js";
import { WeatherView } from "./views/weather.js";
import { VelibView } from "./views/velib.js";
import { ElectricityView } from "./views/electricity.js";
import { HealthView } from "./views/health.js";

const TABS = ["overview", "usgs", "openmeteo", "velib", "eco2mix", "health"];
const DAY_MS = 24 * 3600e3;
const PAGE = 10000;
const token = new URLSearchParams(location.search).get("token");

function apiUrl(path, query = {}) {
  const url = new URL(path, location.href);
  for (const [k, v] of Object.entries(query)) if (v != null) url.searchParams.set(k, v);
  if (token) url.searchParams.set("token", token);
  return url;
}

async function getJSON(path, query) {
  const res = await fetch(apiUrl(path, query), { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

/** All readings of `feed` from `from` on, page by page (the API sorts by `at` and caps each answer). */
async function loadRange(feed, { key, from, maxPages = 6 }) {
  const byId = new Map();
  let cursor = from;
  for (let page = 0; page < maxPages; page++) {
    const { readings } = await getJSON("/api/readings", { feed, key, from: cursor, limit: PAGE });
    for (const r of readings) byId.set(r._id, r);
    if (readings.length < PAGE) break;
    const next = readings[readings.length - 1].at;
    if (next === cursor) break; // a page full of one instant: nothing more to gain by paging
    cursor = next;
  }
  return [...byId.values()];
}

/**
 * The last `spanMs` of readings of a feed. When nothing is that recent (a demo replaying recorded payloads
 * with their own dates), falls back to the oldest page the API returns and keeps its last `spanMs`.
 */
async function loadLatest(feed, { key, spanMs }) {
  const rows = await loadRange(feed, { key, from: new Date(Date.now() - spanMs).toISOString() });
  if (rows.length) return rows;
  const old = await loadRange(feed, { key, maxPages: 1 });
  if (!old.length) return old;
  const end = Math.max(...old.map((r) => new Date(r.at).getTime()));
  return old.filter((r) => new Date(r.at).getTime() >= end - spanMs);
}

const state = { feeds: new Map(), loaded: false, queue: [], views: {}, generation: 0 };

function buildTabs() {
  const nav = document.getElementById("tabs");
  for (const id of TABS) {
    const button = document.createElement("button");
    button.type = "button";
    button.id = `tab-${id}`;
    button.dataset.tab = id;
    button.dataset.i18n = `tab.${id}`;
    button.setAttribute("role", "tab");
    button.addEventListener("click", () => { location.hash = id; });
    nav.append(button);
  }
  window.addEventListener("hashchange", showTab);
}

function showTab() {
  const id = TABS.includes(location.hash.slice(1)) ? location.hash.slice(1) : "overview";
  for (const b of document.querySelectorAll("#tabs button")) b.setAttribute("aria-selected", String(b.dataset.tab === id));
  for (const s of document.querySelectorAll("main > section.tab")) s.hidden = s.id !== `panel-${id}`;
}

function buildViews() {
  const panel = (id) => document.getElementById(`panel-${id}`);
  const v = state.views;
  v.usgs = new QuakesView(panel("usgs"));
  v.openmeteo = new WeatherView(panel("openmeteo"));
  v.velib = new VelibView(panel("velib"));
  v.eco2mix = new ElectricityView(panel("eco2mix"));
  v.health = new HealthView(panel("health"));
  v.overview = new OverviewView(panel("overview"), { views: v, feeds: () => state.feeds, openTab: (id) => { location.hash = id; } });
}

async function loadFeeds() {
  const { feeds } = await getJSON("/api/feeds");
  state.feeds = new Map(feeds.map((f) => [f.id, f]));
  for (const f of feeds) state.views[f.id]?.setMeta?.(f);
  state.views.health.setFeeds(feeds);
  const runs = await Promise.all(feeds.map((f) => getJSON("/api/fetches", { feed: f.id, limit: 30 }).catch(() => ({ fetches: [] }))));
  feeds.forEach((f, i) => state.views.health.setRuns(f.id, runs[i].fetches));
}

/** (Re)loads the whole window over REST, then applies the live events queued meanwhile. */
async function loadWindow() {
  const generation = ++state.generation;
  state.loaded = false;
  const v = state.views;
  try {
    await loadFeeds();
    const [quakes, weather, network, stations, electricity] = await Promise.all([
      loadLatest("usgs", { spanMs: DAY_MS }), loadLatest("openmeteo", { spanMs: DAY_MS }),
      loadLatest("velib", { key: "_network", spanMs: DAY_MS }), loadLatest("velib", { spanMs: 3600e3 }),
      loadLatest("eco2mix", { spanMs: DAY_MS }),
    ]);
    if (generation !== state.generation) return; // a newer reload (after a `reset`) supersedes this one
    v.usgs.load(quakes);
    v.openmeteo.load(weather);
    v.velib.load(network, stations.filter((r) => r.key !== "_network"));
    v.eco2mix.load(electricity);
    v.overview.render();
    document.getElementById("error").hidden = true;
    document.body.dataset.loaded = "true";
  } catch (err) {
    if (generation !== state.generation) return;
    showError(err);
    // The server may be restarting or its database down: try again, the live events wait in the queue.
    setTimeout(() => { if (generation === state.generation) loadWindow(); }, 3000 + Math.random() * 2000);
    return;
  }
  state.loaded = true;
  window.__vigie.loads++;
  const queued = state.queue;
  state.queue = [];
  for (const msg of queued) applyEvent(msg);
}

function showError(err) {
  const box = document.getElementById("error");
  box.textContent = String(err.message ?? err);
  box.hidden = false;
}

function applyEvent(msg) {
  if (!state.loaded) {
    // Events older than the next REST load are covered by it, so a long outage may drop the oldest.
    state.queue.push(msg);
    if (state.queue.length > 10000) state.queue.shift();
    return;
  }
  if (msg.type === "reading") state.views[msg.feed]?.apply(msg.op, msg.doc);
  else if (msg.type === "fetch") state.views.health.applyFetch(msg);
  else return;
  state.views.overview.noteEvent(msg);
  window.__vigie.events++;
}

function setConnectionState(s) {
  const el = document.getElementById("conn");
  el.dataset.state = s;
  el.querySelector(".label").dataset.i18n = `conn.${s}`;
  el.querySelector(".label").textContent = t(`conn.${s}`);
}

function refreshAll() { for (const view of Object.values(state.views)) view.refresh?.(); }

function start() {
  window.__vigie = { events: 0, loads: 0, state };
  buildTabs();
  buildViews();
  applyStatic(document);
  showTab();
  const toggle = document.getElementById("lang");
  toggle.addEventListener("click", () => setLang(lang() === "fr" ? "en" : "fr"));
  onLangChange(refreshAll);
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", refreshAll);
  setInterval(() => { state.views.overview.render(); state.views.health.refresh(); }, 30000);
  const wsUrl = apiUrl("/ws");
  wsUrl.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const live = new LiveConnection({ url: wsUrl.href, onEvent: applyEvent, onState: setConnectionState,
    onReset: () => { state.queue = []; loadWindow(); } });
  window.__vigie.live = live;
  live.start();
  loadWindow();
}

start();
