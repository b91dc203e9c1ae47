// Overview tab: one KPI tile per feed (latest value, trend, freshness) and the live activity list.
import { sparkline } from "../charts.js";
import { t, fmtNumber, fmtAgo, fmtTime } from "../i18n.js";
import { h, flash, card } from "./common.js";

const TILE_COLORS = { usgs: "#ef6b20", openmeteo: "#2f7ed8", velib: "#29a36a", eco2mix: "#a259c4" };
const MAX_ACTIVITY = 30;

/** The Overview: tiles read each view's kpi(); activity lists the latest broadcasts. */
export class OverviewView {
  constructor(root, { views, feeds, openTab }) {
    this.views = views;
    this.feeds = feeds;
    this.tiles = new Map();
    this.grid = h("div.kpis");
    this.activity = h("ol.activity", {}, h("li.muted", {}, t("activity.empty")));
    for (const id of ["usgs", "openmeteo", "velib", "eco2mix"]) {
      const tile = h("button.kpi", { type: "button", dataset: { feed: id }, onclick: () => openTab(id) });
      tile.style.setProperty("--tile", TILE_COLORS[id]);
      this.tiles.set(id, tile);
      this.grid.append(tile);
    }
    root.append(this.grid, card("activity", this.activity));
  }

  renderTile(id, fresh) {
    const tile = this.tiles.get(id);
    const meta = this.feeds().get(id);
    const kpi = this.views[id]?.kpi();
    // Freshness is about the feed's fetches (a quiet hour without earthquakes is not stale), then readings.
    const latest = meta?.lastSuccessAt ? new Date(meta.lastSuccessAt) : kpi?.latestAt ?? null;
    const period = (meta?.periodSeconds ?? 60) * 1000;
    const stale = meta?.stale || !latest || Date.now() - latest.getTime() > 2 * period;
    const trend = kpi?.trend;
    const arrow = !Number.isFinite(trend) ? "" : trend > 0 ? "▲" : trend < 0 ? "▼" : "▶";
    const canvas = h("canvas.spark");
    tile.replaceChildren(
      h("div.kpi-label", {}, kpi?.label ?? t(`kpi.${id}`)),
      h("div.kpi-value", {}, kpi?.value ?? "–"),
      h("div.kpi-sub", {}, kpi?.sub ?? t("nodata")),
      canvas,
      h("div.kpi-foot", {},
        h("span.trend", { title: t("kpi.trend.per") }, Number.isFinite(trend) ? `${arrow} ${trend > 0 ? "+" : ""}${fmtNumber(trend, kpi.trendDigits)}` : ""),
        h(`span.fresh.${stale ? "is-stale" : "is-fresh"}`, {}, `${t(stale ? "stale" : "fresh")} · ${fmtAgo(latest)}`)));
    requestAnimationFrame(() => sparkline(canvas, kpi?.spark ?? [], { color: TILE_COLORS[id] }));
    if (fresh) flash(tile);
  }

  render() { for (const id of this.tiles.keys()) this.renderTile(id); }

  /** A live event: refresh its tile and add a line to the activity list. */
  noteEvent(msg) {
    if (this.tiles.has(msg.feed)) this.renderTile(msg.feed, true);
    const doc = msg.doc ?? {};
    const what = msg.type === "fetch" ? `fetch ${msg.ok ? "OK" : "✗"} ${msg.error ?? ""} (${fmtNumber(msg.records ?? 0)})`
      : `${t(`op.${msg.op}`)} · ${describe(msg.feed, doc)}`;
    const li = h("li", { dataset: { feed: msg.feed } }, h("span.muted", {}, fmtTime(new Date(), true)), h("b", {}, msg.feed), h("span", {}, what));
    if (this.activity.firstChild?.classList.contains("muted")) this.activity.replaceChildren();
    this.activity.prepend(li);
    while (this.activity.children.length > MAX_ACTIVITY) this.activity.lastChild.remove();
    flash(li);
  }

  refresh() { this.render(); }
}

function describe(feed, doc) {
  const v = doc.values ?? {};
  switch (feed) {
    case "usgs": return `M ${fmtNumber(v.mag, 1)} ${doc.tags?.place ?? doc.key ?? ""}`;
    case "openmeteo": return `${doc.key ?? ""} ${fmtNumber(v.temperature, 1)} °C`;
    case "velib": return `${doc.tags?.name ?? doc.key ?? ""} ${fmtNumber(v.bikes)} ${t("velib.bikes").toLowerCase()}`;
    case "eco2mix": return `${fmtNumber(v.consommation)} MW`;
    default: return doc.key ?? "";
  }
}
