// Feed health tab: last fetch, status, error, staleness and records per run, for every feed.
import { sparkline } from "../charts.js";
import { t, fmtAgo, fmtDateTime, fmtDuration, fmtNumber } from "../i18n.js";
import { h, card, flash, toDate } from "./common.js";

/** The Feed health view; `fetch` broadcasts update a row live. */
export class HealthView {
  constructor(root) {
    this.feeds = [];
    this.runs = new Map(); // feed -> runs, newest first
    this.body = h("tbody");
    root.append(card("tab.health", h("div.table-wrap", {}, h("table.health", {},
      h("thead", {}, h("tr", {}, ...["health.feed", "health.last", "health.status", "health.error", "health.staleness", "health.records"]
        .map((k) => h("th", { "data-i18n": k }, t(k))))), this.body))));
  }

  setFeeds(feeds) { this.feeds = feeds; this.render(); }

  setRuns(feed, runs) { this.runs.set(feed, runs); this.render(); }

  isStale(meta) {
    const ok = toDate(meta.lastSuccessAt);
    if (!ok) return true;
    return meta.stale || Date.now() - ok.getTime() > 2 * meta.periodSeconds * 1000;
  }

  render(fresh) {
    this.body.replaceChildren(...this.feeds.map((meta) => {
      const last = meta.lastFetch;
      const stale = this.isStale(meta);
      const status = last ? (last.ok ? h("span.badge.ok", {}, `${t("health.ok")}${last.httpStatus ? ` · ${last.httpStatus}` : ""}`)
        : h("span.badge.bad", {}, `${t("health.failed")}${last.httpStatus ? ` · ${last.httpStatus}` : ""}`)) : h("span.muted", {}, "–");
      const canvas = h("canvas.spark");
      const runs = (this.runs.get(meta.id) ?? []).slice(0, 30).reverse();
      const tr = h("tr", { dataset: { feed: meta.id } },
        h("td", {}, h("b", {}, meta.title ?? meta.id), h("div.muted", {}, t("health.period", { p: fmtDuration(meta.periodSeconds * 1000) }))),
        h("td", {}, last ? fmtAgo(toDate(last.startedAt)) : t("never"), h("div.muted", {}, last ? fmtDateTime(toDate(last.startedAt)) : "")),
        h("td", {}, status),
        h("td.err", {}, last?.error ?? ""),
        h("td", {}, h(`span.badge.${stale ? "bad" : "ok"}`, {}, t(stale ? "stale" : "fresh")),
          h("div.muted", {}, t("health.lastok", { d: fmtAgo(toDate(meta.lastSuccessAt)) }))),
        h("td", {}, canvas, h("div.muted", {}, last ? t("health.run", { r: fmtNumber(last.records), i: fmtNumber(last.inserted), u: fmtNumber(last.updated) }) : "")));
      requestAnimationFrame(() => sparkline(canvas, runs.map((r) => r.records ?? 0), { color: "#2f7ed8", bars: true, failed: runs.map((r) => !r.ok) }));
      if (meta.id === fresh) flash(tr);
      return tr;
    }));
  }

  /** A `fetch` broadcast: {feed, ok, at, error, records, inserted, updated}. */
  applyFetch(msg) {
    const meta = this.feeds.find((f) => f.id === msg.feed);
    if (!meta) return;
    const run = { startedAt: msg.at, finishedAt: msg.at, ok: msg.ok, httpStatus: msg.httpStatus ?? null, records: msg.records ?? 0,
      inserted: msg.inserted ?? 0, updated: msg.updated ?? 0, error: msg.error ?? null };
    meta.lastFetch = run;
    if (msg.ok) { meta.lastSuccessAt = msg.at; meta.stale = false; }
    this.runs.set(msg.feed, [run, ...(this.runs.get(msg.feed) ?? [])].slice(0, 60));
    this.render(msg.feed);
  }

  refresh() { this.render(); }
}
