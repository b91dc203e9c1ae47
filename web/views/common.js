// Small DOM helpers shared by the tab views.
import { t } from "../i18n.js";

/** Creates an element: h("div.card", {title: "x"}, child, "text"). */
export function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split(".");
  const el = document.createElement(tag || "div");
  if (classes.length) el.className = classes.join(" ");
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (v != null) el.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** A card with a translated title (data-i18n so a language switch relabels it). */
export function card(titleKey, ...children) {
  return h("section.card", {}, h("h2", { "data-i18n": titleKey }, t(titleKey)), ...children);
}

/** Marks an element as just updated; the CSS animation fades the highlight out. */
export function flash(el) {
  if (!el) return;
  el.classList.remove("flash");
  void el.offsetWidth; // restart the animation when flashed twice in a row
  el.classList.add("flash");
}

export function escapeHtml(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

/** The attribution and licence line of a feed, from /api/feeds. */
export function attribution(meta) {
  const p = h("p.attribution");
  if (!meta) return p;
  p.append(`${t("source")} `);
  const link = meta.sourceUrl ? h("a", { href: meta.sourceUrl, rel: "noopener", target: "_blank" }, meta.attribution || meta.title) : meta.attribution;
  p.append(link, ` · ${t("licence")} ${meta.licence || "?"}`);
  return p;
}

export const PALETTE = ["#2f7ed8", "#e4572e", "#29a36a", "#a259c4", "#f0a202", "#17becf", "#8c564b", "#d6378a", "#7f7f7f"];

export function toDate(iso) { return iso ? new Date(iso) : null; }
