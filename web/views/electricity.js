// Electricity tab: consumption vs forecasts, the stacked production mix, and the CO2 intensity.
import { TimeChart } from "../charts.js";
import { t, fmtNumber } from "../i18n.js";
import { h, card, flash, attribution, toDate } from "./common.js";

const MIX = [
  ["nucleaire", "#f0c419"], ["hydraulique", "#2f7ed8"], ["eolien", "#17becf"], ["solaire", "#f58b00"],
  ["bioenergies", "#29a36a"], ["gaz", "#d62839"], ["fioul", "#8c564b"], ["charbon", "#4a4a4a"],
];

const label = (field) => () => t(`eco.${field}`);

/** The Electricity view; eco2mix revisions (values filled in later) arrive as updates on the same time. */
export class ElectricityView {
  constructor(root) {
    this.rows = [];
    this.attributionSlot = h("div");
    this.now = h("div.big");
    const consCard = card("eco.consumption", this.now);
    this.consumption = new TimeChart(consCard, { series: [
      { id: "consommation", label: label("consommation"), color: "#2f7ed8" },
      { id: "prevision_j", label: label("prevision_j"), color: "#e4572e" },
      { id: "prevision_j1", label: label("prevision_j1"), color: "#a259c4" },
    ] });
    const mixCard = card("eco.mix");
    this.mix = new TimeChart(mixCard, { series: MIX.map(([id, color]) => ({ id, label: label(id), color })), stacked: true, height: 260, unit: "MW" });
    const co2Card = card("eco.co2");
    this.co2 = new TimeChart(co2Card, { series: [{ id: "taux_co2", label: label("taux_co2"), color: "#6c757d" }], height: 160, unit: "g/kWh", zero: true });
    this.consumption.unit = "MW";
    root.append(h("div.grid2", {}, consCard, co2Card), mixCard, this.attributionSlot);
  }

  setMeta(meta) { this.attributionSlot.replaceChildren(attribution(meta)); }

  charts() { return [this.consumption, this.mix, this.co2]; }

  load(readings) {
    this.rows = [...readings].sort((a, b) => (a.at < b.at ? -1 : 1));
    const rows = this.rows.map((r) => ({ t: new Date(r.at).getTime(), values: r.values ?? {} }));
    for (const c of this.charts()) c.setData(rows);
    this.renderNow();
  }

  apply(op, doc) {
    if (op === "delete") return;
    const i = this.rows.findIndex((r) => r._id === doc._id);
    if (i >= 0) this.rows[i] = doc; else { this.rows.push(doc); this.rows.sort((a, b) => (a.at < b.at ? -1 : 1)); }
    const since = new Date(new Date(this.rows[this.rows.length - 1].at).getTime() - 24 * 3600e3).toISOString();
    while (this.rows.length > 1 && this.rows[0].at < since) this.rows.shift();
    const at = new Date(doc.at).getTime();
    for (const c of this.charts()) { c.append(at, doc.values ?? {}); c.flash(at); }
    this.renderNow(true);
  }

  latestWith(field) {
    for (let i = this.rows.length - 1; i >= 0; i--) if (Number.isFinite(this.rows[i].values?.[field])) return this.rows[i];
    return null;
  }

  renderNow(fresh) {
    const last = this.latestWith("consommation");
    this.now.textContent = last ? `${fmtNumber(last.values.consommation)} MW` : "–";
    if (fresh) flash(this.now);
  }

  refresh() { for (const c of this.charts()) c.refresh(); this.renderNow(); }

  kpi() {
    const last = this.latestWith("consommation");
    if (!last) return null;
    const series = this.rows.filter((r) => Number.isFinite(r.values?.consommation));
    const prev = series[series.length - 2];
    const co2 = this.latestWith("taux_co2");
    return { value: `${fmtNumber(last.values.consommation)} MW`, sub: t("kpi.eco2mix.sub", { c: fmtNumber(co2?.values.taux_co2) }),
      spark: series.slice(-96).map((r) => r.values.consommation), trend: prev ? last.values.consommation - prev.values.consommation : null,
      trendDigits: 0, latestAt: toDate(last.fetchedAt ?? last.at) };
  }
}
