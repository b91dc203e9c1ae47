// Vélib' tab: network availability through the day, e-bike share, busiest stations and the station map.
import { TimeChart } from "../charts.js";
import { CityMap } from "../map.js";
import { t, fmtNumber, fmtDateTime } from "../i18n.js";
import { h, card, flash, escapeHtml, attribution, toDate } from "./common.js";

const NETWORK = "_network";

function fillColor(ratio) {
  // red (empty) → amber → green (full): a colour-blind-tolerant enough ramp for a glance.
  const stops = [[214, 40, 57], [240, 162, 2], [41, 163, 106]];
  const x = Math.max(0, Math.min(1, ratio)) * 2;
  const [a, b] = x < 1 ? [stops[0], stops[1]] : [stops[1], stops[2]];
  const f = x < 1 ? x : x - 1;
  return `rgb(${a.map((c, i) => Math.round(c + (b[i] - c) * f)).join(",")})`;
}

/** The Vélib' view: `_network` readings feed the charts, station readings the table and map. */
export class VelibView {
  constructor(root) {
    this.network = [];
    this.stations = new Map(); // key -> {doc, moves}
    this.attributionSlot = h("div");
    const netCard = card("velib.network");
    this.netChart = new TimeChart(netCard, { series: [
      { id: "bikes", label: () => t("velib.bikes"), color: "#2f7ed8" },
      { id: "ebikes", label: () => t("velib.ebikes"), color: "#29a36a" },
      { id: "docks", label: () => t("velib.docks"), color: "#a0a0a0" },
    ], zero: true });
    this.shareValue = h("div.big");
    const shareCard = card("velib.share", this.shareValue);
    this.shareChart = new TimeChart(shareCard, { series: [{ id: "share", label: "%", color: "#29a36a" }], height: 150, digits: 1, unit: "%" });
    this.table = h("tbody");
    const busyCard = card("velib.busiest", h("div.table-wrap", {}, h("table", {},
      h("thead", {}, h("tr", {}, ...["velib.station", "velib.bikes", "velib.ebikes", "velib.docks", "velib.moves"]
        .map((k) => h("th", { "data-i18n": k }, t(k))))), this.table)));
    this.stationCount = h("p.hint");
    const mapCard = card("velib.map", h("p.hint", { "data-i18n": "velib.maplegend" }, t("velib.maplegend")), this.stationCount);
    this.map = new CityMap(mapCard, 460);
    root.append(h("div.grid2", {}, netCard, shareCard), h("div.grid2", {}, mapCard, busyCard), this.attributionSlot);
  }

  setMeta(meta) { this.attributionSlot.replaceChildren(attribution(meta)); }

  static shareOf(v) { return v && v.bikes > 0 && Number.isFinite(v.ebikes) ? (100 * v.ebikes) / v.bikes : NaN; }

  load(networkReadings, stationReadings) {
    this.network = [...networkReadings].sort((a, b) => (a.at < b.at ? -1 : 1));
    this.netChart.setData(this.network.map((r) => ({ t: new Date(r.at).getTime(), values: r.values })));
    this.shareChart.setData(this.network.map((r) => ({ t: new Date(r.at).getTime(), values: { share: VelibView.shareOf(r.values) } })));
    this.stations = new Map();
    const sorted = [...stationReadings].sort((a, b) => (a.at < b.at ? -1 : 1));
    for (const r of sorted) this.trackStation(r);
    this.map.setPoints([...this.stations.values()].filter((s) => s.doc.geo).map((s) => this.point(s.doc)));
    this.renderShare();
    this.renderTable();
  }

  trackStation(doc) {
    const entry = this.stations.get(doc.key);
    if (!entry) { this.stations.set(doc.key, { doc, moves: 0 }); return; }
    if (doc.at >= entry.doc.at) {
      entry.moves += Math.abs((doc.values?.bikes ?? 0) - (entry.doc.values?.bikes ?? 0));
      entry.doc = doc;
    }
  }

  point(doc) {
    const v = doc.values ?? {};
    const capacity = v.capacity || (v.bikes ?? 0) + (v.docks ?? 0);
    const ratio = capacity ? (v.bikes ?? 0) / capacity : 0;
    return { id: doc.key, lon: doc.geo.lon, lat: doc.geo.lat, r: 1.2 + Math.sqrt(capacity || 1) * 0.32, color: fillColor(ratio),
      tip: () => `<div class="tt-time">${fmtDateTime(new Date(doc.at))}</div><b>${escapeHtml(doc.tags?.name ?? doc.key)}</b><br>`
        + `${t("velib.bikes")} ${fmtNumber(v.bikes)} (${t("velib.ebikes")} ${fmtNumber(v.ebikes)}) · ${t("velib.docks")} ${fmtNumber(v.docks)}` };
  }

  apply(op, doc) {
    if (op === "delete" || !doc.key) return;
    const at = new Date(doc.at).getTime();
    if (doc.key === NETWORK) {
      const i = this.network.findIndex((r) => r._id === doc._id);
      if (i >= 0) this.network[i] = doc; else this.network.push(doc);
      const since = new Date(new Date(this.network[this.network.length - 1].at).getTime() - 24 * 3600e3).toISOString();
      while (this.network.length > 1 && this.network[0].at < since) this.network.shift();
      this.netChart.append(at, doc.values);
      this.netChart.flash(at);
      this.shareChart.append(at, { share: VelibView.shareOf(doc.values) });
      this.renderShare(true);
      return;
    }
    this.trackStation(doc);
    if (doc.geo) { this.map.upsert(this.point(this.stations.get(doc.key).doc)); this.map.flash(doc.key); }
    this.renderTable(doc.key);
  }

  renderShare(fresh) {
    const last = this.network[this.network.length - 1];
    const share = VelibView.shareOf(last?.values);
    this.shareValue.textContent = Number.isFinite(share) ? `${fmtNumber(share, 1)} %` : "–";
    const inService = last?.values?.stationsInService ?? this.stations.size;
    this.stationCount.textContent = t("velib.stations", { n: fmtNumber(inService) });
    if (fresh) flash(this.shareValue);
  }

  renderTable(fresh) {
    const top = [...this.stations.values()]
      .sort((a, b) => b.moves - a.moves || (b.doc.values?.bikes ?? 0) - (a.doc.values?.bikes ?? 0)).slice(0, 12);
    this.table.replaceChildren(...top.map((s) => {
      const v = s.doc.values ?? {};
      const tr = h("tr", { dataset: { key: s.doc.key } }, h("td", {}, s.doc.tags?.name ?? s.doc.key), h("td.num", {}, fmtNumber(v.bikes)),
        h("td.num", {}, fmtNumber(v.ebikes)), h("td.num", {}, fmtNumber(v.docks)), h("td.num", {}, fmtNumber(s.moves)));
      if (s.doc.key === fresh) flash(tr);
      return tr;
    }));
  }

  refresh() { this.netChart.refresh(); this.shareChart.refresh(); this.map.redraw(); this.renderShare(); this.renderTable(); }

  kpi() {
    const last = this.network[this.network.length - 1];
    if (!last) return null;
    const prev = this.network[this.network.length - 2];
    return { value: fmtNumber(last.values.bikes), sub: t("kpi.velib.sub", { e: fmtNumber(last.values.ebikes), d: fmtNumber(last.values.docks) }),
      spark: this.network.slice(-60).map((r) => r.values.bikes), trend: prev ? last.values.bikes - prev.values.bikes : null,
      trendDigits: 0, latestAt: toDate(last.fetchedAt ?? last.at) };
  }
}
