// Earthquakes tab: world map of the last 24 h, the strongest events, and the magnitude histogram.
import { WorldMap } from "../map.js";
import { BarChart } from "../charts.js";
import { t, fmtNumber, fmtAgo, fmtDateTime } from "../i18n.js";
import { h, card, flash, escapeHtml, attribution, toDate } from "./common.js";

const DAY = 24 * 3600e3;

function radius(mag) { return Math.min(30, Math.max(1.5, 1.5 + Math.max(0, mag) ** 2 * 0.6)); }

function depthColor(depth) {
  if (depth < 35) return "#f6a81c";
  if (depth < 70) return "#ef6b20";
  if (depth < 300) return "#d62839";
  return "#7b2cbf";
}

/** The Earthquakes view; readings are kept by _id so revisions replace the event. */
export class QuakesView {
  constructor(root) {
    this.byId = new Map();
    this.attributionSlot = h("div");
    const depths = [[0, "< 35 km"], [35, "35–70 km"], [70, "70–300 km"], [300, "> 300 km"]]
      .map(([d, text]) => h("span.chip", {}, h("span.swatch", { style: `background:${depthColor(d)}` }), text));
    const mapCard = card("quakes.map", h("p.hint", {}, h("span", { "data-i18n": "quakes.legend" }, t("quakes.legend")), " ", ...depths));
    this.map = new WorldMap(mapCard);
    this.list = h("ol.quake-list");
    const histCard = card("quakes.hist");
    this.hist = new BarChart(histCard, { color: "#ef6b20", unitLabel: () => t("quakes.count") });
    root.append(mapCard, h("div.grid2", {}, card("quakes.strongest", this.list), histCard), this.attributionSlot);
  }

  setMeta(meta) { this.attributionSlot.replaceChildren(attribution(meta)); }

  load(readings) {
    this.byId = new Map(readings.map((r) => [r._id, r]));
    this.render();
  }

  /** Now, or the newest event when all are older than a day (recorded data replayed with its own dates). */
  reference() {
    let newest = -Infinity;
    for (const r of this.byId.values()) newest = Math.max(newest, new Date(r.at).getTime());
    return Number.isFinite(newest) && newest < Date.now() - DAY ? newest : Date.now();
  }

  recent() {
    const since = this.reference() - DAY;
    for (const [id, r] of this.byId) if (new Date(r.at).getTime() < since) this.byId.delete(id);
    return [...this.byId.values()].filter((r) => Number.isFinite(r.values?.mag));
  }

  point(r) {
    return { id: r._id, lon: r.geo?.lon ?? 0, lat: r.geo?.lat ?? 0, r: radius(r.values.mag), color: depthColor(r.values.depth ?? 0),
      tip: () => `<div class="tt-time">${fmtDateTime(new Date(r.at))}</div><b>M ${fmtNumber(r.values.mag, 1)}</b> ${escapeHtml(r.tags?.place ?? r.key)}<br>${t("quakes.depth", { d: fmtNumber(r.values.depth ?? NaN, 1) })}` };
  }

  render() {
    const quakes = this.recent();
    this.map.setPoints(quakes.filter((r) => r.geo).map((r) => this.point(r)));
    this.renderList(quakes);
    this.renderHistogram(quakes);
  }

  renderList(quakes, fresh) {
    const top = [...quakes].sort((a, b) => b.values.mag - a.values.mag).slice(0, 10);
    this.list.replaceChildren(...top.map((r) => {
      const li = h("li", { dataset: { id: r._id } },
        h("span.mag", { style: `background:${depthColor(r.values.depth ?? 0)};color:${(r.values.depth ?? 0) < 70 ? "#1d2330" : "#fff"}` }, fmtNumber(r.values.mag, 1)),
        h("span.place", {}, r.tags?.place ?? r.key),
        h("span.muted", {}, `${fmtAgo(new Date(r.at))} · ${t("quakes.depth", { d: fmtNumber(r.values.depth ?? NaN, 0) })}`));
      if (r._id === fresh) flash(li);
      return li;
    }));
    if (!top.length) this.list.replaceChildren(h("li.muted", {}, t("nodata")));
  }

  renderHistogram(quakes) {
    const mags = quakes.map((r) => r.values.mag);
    if (!mags.length) return this.hist.setBins([]);
    const lo = Math.floor(Math.min(...mags) * 2) / 2, hi = Math.floor(Math.max(...mags) * 2) / 2;
    const bins = [];
    for (let m = lo; m <= hi + 1e-9; m += 0.5) bins.push({ label: fmtNumber(m, 1), value: 0, from: m });
    for (const m of mags) bins[Math.min(bins.length - 1, Math.floor((m - lo) * 2 + 1e-9))].value++;
    return this.hist.setBins(bins);
  }

  apply(op, doc) {
    if (op === "delete") { this.byId.delete(doc._id); this.map.remove(doc._id); }
    else {
      this.byId.set(doc._id, doc);
      if (doc.geo && Number.isFinite(doc.values?.mag)) { this.map.upsert(this.point(doc)); this.map.flash(doc._id); }
    }
    const quakes = this.recent();
    this.renderList(quakes, doc._id);
    this.renderHistogram(quakes);
  }

  refresh() { this.map.redraw(); this.render(); }

  kpi() {
    const quakes = this.recent();
    if (!quakes.length) return null;
    const strongest = quakes.reduce((a, b) => (b.values.mag > a.values.mag ? b : a));
    const now = this.reference();
    const hourly = Array.from({ length: 24 }, (_, i) => quakes.filter((r) => {
      const age = now - new Date(r.at).getTime();
      return age < (24 - i) * 3600e3 && age >= (23 - i) * 3600e3;
    }).length);
    const latest = quakes.reduce((a, b) => (b.at > a.at ? b : a));
    return { value: `M ${fmtNumber(strongest.values.mag, 1)}`, sub: `${strongest.tags?.place ?? strongest.key} · ${t("kpi.usgs.count", { n: quakes.length })}`,
      spark: hourly, trend: hourly[23] - hourly[22], trendDigits: 0, latestAt: toDate(latest.fetchedAt ?? latest.at) };
  }
}
