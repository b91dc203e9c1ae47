// Weather tab: temperature, wind and precipitation per place, and a table of the latest values.
import { TimeChart } from "../charts.js";
import { t, fmtNumber, fmtAgo } from "../i18n.js";
import { h, card, flash, attribution, PALETTE, toDate } from "./common.js";

const METRICS = [
  { field: "temperature", title: "weather.temperature", digits: 1, unit: "°C" },
  { field: "wind", title: "weather.wind", digits: 1, unit: "km/h" },
  { field: "precipitation", title: "weather.precipitation", digits: 1, unit: "mm", zero: true },
];

function withUnit(value, digits, unit) { return Number.isFinite(value) ? `${fmtNumber(value, digits)} ${unit}` : "–"; }

/** The Weather view: one series per place (reading key) in each chart. */
export class WeatherView {
  constructor(root) {
    this.byPlace = new Map(); // place -> readings sorted by at
    this.attributionSlot = h("div");
    this.table = h("tbody");
    const tableCard = card("weather.now", h("div.table-wrap", {}, h("table", {},
      h("thead", {}, h("tr", {}, ...["weather.place", "weather.temperature", "weather.wind", "weather.precipitation", "weather.humidity"]
        .map((k) => h("th", { "data-i18n": k }, t(k))), h("th"))), this.table)));
    this.charts = METRICS.map((m) => {
      const c = card(m.title);
      return { ...m, chart: new TimeChart(c, { series: [], digits: m.digits, unit: m.unit, zero: m.zero }), el: c };
    });
    root.append(tableCard, h("div.grid3", {}, ...this.charts.map((c) => c.el)), this.attributionSlot);
  }

  setMeta(meta) { this.attributionSlot.replaceChildren(attribution(meta)); }

  ensurePlace(place) {
    if (this.byPlace.has(place)) return;
    this.byPlace.set(place, []);
    const color = PALETTE[(this.byPlace.size - 1) % PALETTE.length];
    for (const c of this.charts) c.chart.addSeries({ id: place, label: place, color });
  }

  load(readings) {
    for (const r of readings) { this.ensurePlace(r.key); this.byPlace.get(r.key).push(r); }
    for (const c of this.charts) {
      const rows = new Map();
      for (const r of readings) {
        if (!Number.isFinite(r.values?.[c.field])) continue;
        const at = new Date(r.at).getTime();
        if (!rows.has(at)) rows.set(at, { t: at, values: {} });
        rows.get(at).values[r.key] = r.values[c.field];
      }
      c.chart.setData([...rows.values()]);
    }
    this.renderTable();
  }

  apply(op, doc) {
    if (op === "delete" || !doc.key) return;
    this.ensurePlace(doc.key);
    const list = this.byPlace.get(doc.key);
    const i = list.findIndex((r) => r._id === doc._id);
    if (i >= 0) list[i] = doc; else { list.push(doc); list.sort((a, b) => (a.at < b.at ? -1 : 1)); }
    const since = new Date(new Date(list[list.length - 1].at).getTime() - 24 * 3600e3).toISOString();
    while (list.length > 1 && list[0].at < since) list.shift();
    const at = new Date(doc.at).getTime();
    for (const c of this.charts) {
      if (!Number.isFinite(doc.values?.[c.field])) continue;
      c.chart.append(at, { [doc.key]: doc.values[c.field] });
      c.chart.flash(at);
    }
    this.renderTable(doc.key);
  }

  renderTable(fresh) {
    const rows = [...this.byPlace.entries()].map(([place, list]) => {
      const last = list[list.length - 1];
      const v = last?.values ?? {};
      const tr = h("tr", { dataset: { key: place } }, h("td", {}, place),
        h("td.num", {}, withUnit(v.temperature, 1, "°C")), h("td.num", {}, withUnit(v.wind, 1, "km/h")),
        h("td.num", {}, withUnit(v.precipitation, 1, "mm")), h("td.num", {}, withUnit(v.humidity, 0, "%")),
        h("td.muted", {}, last ? fmtAgo(new Date(last.at)) : ""));
      if (place === fresh) flash(tr);
      return tr;
    });
    this.table.replaceChildren(...rows);
  }

  refresh() { for (const c of this.charts) c.chart.refresh(); this.renderTable(); }

  kpi() {
    const place = this.byPlace.has("Paris") ? "Paris" : [...this.byPlace.keys()][0];
    const list = (this.byPlace.get(place) ?? []).filter((r) => Number.isFinite(r.values?.temperature));
    if (!list.length) return null;
    const last = list[list.length - 1];
    const prev = list[list.length - 2];
    return { label: t("kpi.openmeteo", { place }), value: `${fmtNumber(last.values.temperature, 1)} °C`,
      sub: [["wind", 0, "km/h"], ["precipitation", 1, "mm"], ["humidity", 0, "%"]]
        .filter(([f]) => Number.isFinite(last.values[f])).map(([f, d, u]) => `${fmtNumber(last.values[f], d)} ${u}`).join(" · ") || place,
      spark: list.slice(-48).map((r) => r.values.temperature), trend: prev ? last.values.temperature - prev.values.temperature : null,
      trendDigits: 1, latestAt: toDate(last.fetchedAt ?? last.at) };
  }
}
