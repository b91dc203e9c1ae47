// Small canvas charts: a bar chart (magnitude histogram) and sparklines (KPI tiles, records per run).
import { niceDomain, fitCanvas, theme } from "./axes.js";
import { fmtNumber } from "./i18n.js";

/** Vertical bars with labelled categories, a value axis and a hover tooltip. */
export class BarChart {
  constructor(container, { color, height = 200, unitLabel = () => "" }) {
    this.color = color;
    this.height = height;
    this.unitLabel = unitLabel;
    this.bins = [];
    this.hover = -1;
    container.classList.add("chart");
    this.wrap = document.createElement("div");
    this.wrap.className = "chart-canvas";
    this.wrap.style.height = `${height}px`;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "layer";
    this.tooltip = document.createElement("div");
    this.tooltip.className = "tooltip";
    this.tooltip.hidden = true;
    this.wrap.append(this.canvas, this.tooltip);
    container.append(this.wrap);
    this.wrap.addEventListener("pointermove", (e) => { this.hover = this.binAt(e.offsetX); this.draw(); });
    this.wrap.addEventListener("pointerleave", () => { this.hover = -1; this.draw(); });
    new ResizeObserver(() => { this.width = this.wrap.clientWidth; fitCanvas(this.canvas, this.width, height); this.draw(); }).observe(this.wrap);
  }

  /** bins: [{label, value, highlight?}] */
  setBins(bins) { this.bins = bins; this.draw(); }

  binAt(x) {
    if (!this.layout) return -1;
    const i = Math.floor((x - this.layout.left) / this.layout.band);
    return i >= 0 && i < this.bins.length ? i : -1;
  }

  draw() {
    if (!this.width) return;
    const th = theme();
    const ctx = this.canvas.getContext("2d");
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.font = th.font;
    const top = 10, bottom = this.height - 24;
    const y = niceDomain(0, Math.max(1, ...this.bins.map((b) => b.value)), bottom - top, true);
    const left = Math.ceil(Math.max(...y.ticks.map((tk) => ctx.measureText(tk.label).width))) + 12;
    const band = (this.width - left - 8) / Math.max(1, this.bins.length);
    this.layout = { left, band };
    const yPix = (v) => bottom - ((v - y.min) / (y.max - y.min)) * (bottom - top);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const tk of y.ticks) {
      ctx.strokeStyle = th.grid;
      ctx.beginPath(); ctx.moveTo(left, Math.round(yPix(tk.v)) + 0.5); ctx.lineTo(this.width - 8, Math.round(yPix(tk.v)) + 0.5); ctx.stroke();
      ctx.fillStyle = th.muted;
      ctx.fillText(tk.label, left - 6, yPix(tk.v));
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    const every = Math.ceil(40 / band);
    this.bins.forEach((b, i) => {
      const x = left + i * band;
      ctx.fillStyle = b.highlight ? th.accent : this.color;
      ctx.globalAlpha = i === this.hover ? 1 : 0.85;
      ctx.fillRect(x + 1, yPix(b.value), Math.max(1, band - 2), bottom - yPix(b.value));
      ctx.globalAlpha = 1;
      if (i % every === 0) { ctx.fillStyle = th.muted; ctx.fillText(b.label, x + band / 2, bottom + 6); }
    });
    if (this.hover >= 0) {
      const b = this.bins[this.hover];
      this.tooltip.innerHTML = `<div class="tt-time">${b.label}</div><b>${fmtNumber(b.value)}</b> ${this.unitLabel()}`;
      this.tooltip.hidden = false;
      const x = left + (this.hover + 1) * band;
      this.tooltip.style.left = `${Math.min(x + 6, this.width - this.tooltip.offsetWidth - 4)}px`;
      this.tooltip.style.top = `${top}px`;
    } else this.tooltip.hidden = true;
  }
}

/** A tiny line (or bar) chart on `canvas`, sized to its CSS box. */
export function sparkline(canvas, values, { color, bars = false, failed = [] } = {}) {
  const width = canvas.clientWidth || 120, height = canvas.clientHeight || 32;
  const ctx = fitCanvas(canvas, width, height);
  ctx.clearRect(0, 0, width, height);
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return;
  const lo = bars ? 0 : Math.min(...finite), hi = Math.max(...finite);
  const span = hi - lo || 1;
  const y = (v) => height - 2 - ((v - lo) / span) * (height - 4);
  if (bars) {
    const band = width / values.length;
    values.forEach((v, i) => {
      ctx.fillStyle = failed[i] ? theme().accent : color;
      const h = failed[i] ? height - 2 : Math.max(1, height - 2 - y(v || 0) + 1);
      ctx.globalAlpha = failed[i] ? 0.35 : 1;
      ctx.fillRect(i * band + 0.5, height - h, Math.max(1, band - 1), h);
      ctx.globalAlpha = 1;
    });
    return;
  }
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  let started = false;
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    const x = values.length === 1 ? width / 2 : (i / (values.length - 1)) * (width - 2) + 1;
    if (started) ctx.lineTo(x, y(v)); else { ctx.moveTo(x, y(v)); started = true; }
  });
  ctx.stroke();
}
