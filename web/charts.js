// Canvas time-series chart: lines or stacked areas over a local-time axis.
// Three stacked canvases: the static layer (grid, axes) is redrawn only when the domain or the size
// changes, the data layer is extended in place when a point is appended inside the domain, and the
// overlay carries the crosshair and arrival flashes. Full redraws decimate to one min/max per pixel column.
import { timeTicks, niceDomain, fitCanvas, theme, bisectRight, Flashes, layeredCanvas } from "./axes.js";
import { fmtDateTime, fmtNumber } from "./i18n.js";

const PAD = { top: 10, right: 14, bottom: 24 };
export { BarChart, sparkline } from "./bars.js";

/** A live time chart; series share one time axis, a missing value is NaN. */
export class TimeChart {
  constructor(container, { series, stacked = false, height = 220, digits = 0, unit = "", zero = false, windowMs = 24 * 3600e3 }) {
    this.windowMs = windowMs;
    this.series = series.map((s) => ({ ...s, visible: true, v: [] }));
    this.stacked = stacked;
    this.digits = digits;
    this.unit = unit;
    this.zero = zero || stacked;
    this.height = height;
    this.t = [];
    this.flashes = new Flashes(1200, () => this.drawOverlay());
    this.hoverX = null;
    this.stats = { full: 0, incremental: 0, staticDraws: 0 };
    this.buildDom(container);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.wrap);
  }

  buildDom(container) {
    container.classList.add("chart");
    this.legend = document.createElement("div");
    this.legend.className = "legend";
    Object.assign(this, layeredCanvas());
    this.wrap.style.height = `${this.height}px`;
    container.append(this.legend, this.wrap);
    this.wrap.addEventListener("pointermove", (e) => { this.hoverX = e.offsetX; this.drawOverlay(); });
    this.wrap.addEventListener("pointerleave", () => { this.hoverX = null; this.drawOverlay(); });
    this.renderLegend();
  }

  renderLegend() {
    this.legend.replaceChildren(...this.series.map((s) => {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "legend-item" + (s.visible ? "" : " off");
      item.innerHTML = `<span class="swatch" style="background:${s.color}"></span>`;
      item.append(document.createTextNode(typeof s.label === "function" ? s.label() : s.label));
      item.addEventListener("click", () => { s.visible = !s.visible; this.renderLegend(); this.fullRedraw(); });
      return item;
    }));
  }

  /** Adds a series at run time (e.g. a new weather place); returns it. */
  addSeries(spec) {
    const s = { ...spec, visible: true, v: new Array(this.t.length).fill(NaN) };
    this.series.push(s);
    this.renderLegend();
    return s;
  }

  /** Replaces all data: rows are {t, values: {seriesId: number}}. */
  setData(rows) {
    const sorted = [...rows].sort((a, b) => a.t - b.t);
    this.t = [];
    for (const s of this.series) s.v = [];
    for (const row of sorted) this.pushRow(row.t, row.values);
    this.domain = null;
    this.fullRedraw();
  }

  pushRow(t, values) {
    this.t.push(t);
    for (const s of this.series) s.v.push(Number.isFinite(values[s.id]) ? values[s.id] : NaN);
  }

  /** Adds or merges one point. Appending inside the current domain draws only the new segment. */
  append(t, values) {
    const n = this.t.length;
    const at = bisectRight(this.t, t);
    if (at >= 0 && this.t[at] === t) {
      for (const s of this.series) if (Number.isFinite(values[s.id])) s.v[at] = values[s.id];
      return this.fullRedraw();
    }
    if (at !== n - 1) {
      this.t.splice(at + 1, 0, t);
      for (const s of this.series) s.v.splice(at + 1, 0, Number.isFinite(values[s.id]) ? values[s.id] : NaN);
      return this.fullRedraw();
    }
    this.pushRow(t, values);
    if (!this.domain || n === 0 || !this.fitsDomain(n)) return this.fullRedraw();
    this.drawSegment(n - 1, n);
    this.stats.incremental++;
    return undefined;
  }

  fitsDomain(i) {
    const d = this.domain;
    if (this.t[i] > d.t1) return false;
    let acc = 0;
    for (const s of this.series) {
      if (!s.visible || !Number.isFinite(s.v[i])) continue;
      const v = this.stacked ? (acc += Math.max(0, s.v[i])) : s.v[i];
      if (v < d.y.min || v > d.y.max) return false;
    }
    return true;
  }

  resize() {
    const width = this.wrap.clientWidth;
    if (!width || width === this.width) return;
    this.width = width;
    for (const c of [this.staticCanvas, this.dataCanvas, this.overlayCanvas]) fitCanvas(c, width, this.height);
    this.domain = null;
    this.fullRedraw();
  }

  /** Redraws everything, e.g. after a theme or language change. */
  refresh() { this.renderLegend(); this.domain = null; this.fullRedraw(); }

  computeDomain() {
    const n = this.t.length;
    let t0 = n ? this.t[0] : Date.now() - 3600e3;
    let t1 = n ? this.t[n - 1] : Date.now();
    if (t1 - t0 < 60e3) { t0 -= 30e3; t1 += 30e3; }
    t1 += (t1 - t0) * 0.04; // headroom so live points land inside and draw incrementally
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (const s of this.series) {
        if (!s.visible || !Number.isFinite(s.v[i])) continue;
        const v = this.stacked ? (acc += Math.max(0, s.v[i])) : s.v[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const plotH = this.height - PAD.top - PAD.bottom;
    if (Number.isFinite(lo)) { const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 1; hi += pad; if (!this.zero) lo -= pad; }
    const y = niceDomain(lo, hi, plotH, this.zero);
    const ctx = this.staticCanvas.getContext("2d");
    ctx.font = theme().font;
    const left = Math.ceil(Math.max(...y.ticks.map((tk) => ctx.measureText(tk.label).width))) + 12;
    return { t0, t1, y, left, right: this.width - PAD.right, top: PAD.top, bottom: this.height - PAD.bottom };
  }

  x(t) { const d = this.domain; return d.left + ((t - d.t0) / (d.t1 - d.t0)) * (d.right - d.left); }
  yPix(v) { const d = this.domain; return d.bottom - ((v - d.y.min) / (d.y.max - d.y.min)) * (d.bottom - d.top); }

  /** Drops rows older than the window before the newest one (only on full redraws, which rebuild anyway). */
  trim() {
    const n = this.t.length;
    if (!this.windowMs || !n || this.t[0] >= this.t[n - 1] - this.windowMs) return;
    const cut = bisectRight(this.t, this.t[n - 1] - this.windowMs) + 1;
    this.t.splice(0, cut);
    for (const s of this.series) s.v.splice(0, cut);
  }

  fullRedraw() {
    this.trim();
    if (!this.width) return;
    const domain = this.computeDomain();
    const same = this.domain && ["t0", "t1", "left"].every((k) => this.domain[k] === domain[k])
      && this.domain.y.min === domain.y.min && this.domain.y.max === domain.y.max;
    this.domain = domain;
    if (!same) this.drawStatic();
    this.drawData();
    this.drawOverlay();
    this.stats.full++;
  }

  drawStatic() {
    const th = theme();
    const d = this.domain;
    const ctx = this.staticCanvas.getContext("2d");
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.font = th.font;
    ctx.lineWidth = 1;
    ctx.textBaseline = "middle";
    ctx.textAlign = "right";
    for (const tk of d.y.ticks) {
      const y = Math.round(this.yPix(tk.v)) + 0.5;
      ctx.strokeStyle = th.grid;
      ctx.beginPath(); ctx.moveTo(d.left, y); ctx.lineTo(d.right, y); ctx.stroke();
      ctx.fillStyle = th.muted;
      ctx.fillText(tk.label, d.left - 6, y);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    let lastEdge = -Infinity;
    for (const tk of timeTicks(d.t0, d.t1, d.right - d.left)) {
      const x = Math.round(this.x(tk.t)) + 0.5;
      ctx.strokeStyle = th.grid;
      ctx.beginPath(); ctx.moveTo(x, d.top); ctx.lineTo(x, d.bottom); ctx.stroke();
      const w = ctx.measureText(tk.label).width;
      if (x - w / 2 < lastEdge + 6 || x + w / 2 > this.width) continue; // never overlap labels
      ctx.fillStyle = tk.major ? th.fg : th.muted;
      ctx.fillText(tk.label, x, d.bottom + 6);
      lastEdge = x + w / 2;
    }
    ctx.strokeStyle = th.muted;
    ctx.beginPath(); ctx.moveTo(d.left + 0.5, d.top); ctx.lineTo(d.left + 0.5, d.bottom + 0.5); ctx.lineTo(d.right, d.bottom + 0.5); ctx.stroke();
    this.stats.staticDraws++;
  }

  /** Column-decimated vertices of series `s` (or of the cumulative stack up to it). */
  decimated(values) {
    const out = [];
    let col = null, first, last, min, max;
    const flush = () => {
      if (col === null) return;
      out.push(first);
      if (min !== first && min !== last) out.push(min);
      if (max !== first && max !== last && max !== min) out.push(max);
      if (last !== first) out.push(last);
    };
    for (let i = 0; i < this.t.length; i++) {
      const v = values(i);
      if (!Number.isFinite(v)) continue;
      const c = Math.floor(this.x(this.t[i]));
      const p = [this.x(this.t[i]), this.yPix(v), v];
      if (c !== col) { flush(); col = c; first = last = min = max = p; continue; }
      last = p;
      if (v < min[2]) min = p;
      if (v > max[2]) max = p;
    }
    flush();
    return out;
  }

  cumulative(upTo) {
    return (i) => {
      let acc = 0;
      for (let k = 0; k <= upTo; k++) { const s = this.series[k]; if (s.visible && Number.isFinite(s.v[i])) acc += Math.max(0, s.v[i]); }
      return acc;
    };
  }

  drawData() {
    const ctx = this.dataCanvas.getContext("2d");
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.save();
    ctx.beginPath(); ctx.rect(this.domain.left + 1, 0, this.domain.right - this.domain.left, this.domain.bottom); ctx.clip();
    if (this.stacked) {
      for (let k = this.series.length - 1; k >= 0; k--) {
        const s = this.series[k];
        if (!s.visible) continue;
        const pts = this.decimated(this.cumulative(k));
        if (!pts.length) continue;
        ctx.fillStyle = s.color;
        ctx.beginPath();
        ctx.moveTo(pts[0][0], this.domain.bottom);
        for (const p of pts) ctx.lineTo(p[0], p[1]);
        ctx.lineTo(pts[pts.length - 1][0], this.domain.bottom);
        ctx.closePath();
        ctx.fill();
      }
    } else {
      ctx.lineWidth = 1.6;
      ctx.lineJoin = "round";
      for (const s of this.series) {
        if (!s.visible) continue;
        const pts = this.decimated((i) => s.v[i]);
        ctx.strokeStyle = s.color;
        ctx.fillStyle = s.color;
        ctx.beginPath();
        pts.forEach((p, i) => (i ? ctx.lineTo(p[0], p[1]) : ctx.moveTo(p[0], p[1])));
        ctx.stroke();
        if (pts.length === 1) { ctx.beginPath(); ctx.arc(pts[0][0], pts[0][1], 2.5, 0, 7); ctx.fill(); }
      }
    }
    ctx.restore();
  }

  /** Draws only the piece between rows i and j (j = i + 1) on top of the data layer. */
  drawSegment(i, j) {
    const ctx = this.dataCanvas.getContext("2d");
    const x0 = this.x(this.t[i]), x1 = this.x(this.t[j]);
    if (this.stacked) {
      for (let k = 0; k < this.series.length; k++) {
        const s = this.series[k];
        if (!s.visible) continue;
        const lower = k ? this.cumulative(k - 1) : () => 0;
        const upper = this.cumulative(k);
        ctx.fillStyle = s.color;
        ctx.beginPath();
        ctx.moveTo(x0, this.yPix(lower(i))); ctx.lineTo(x0, this.yPix(upper(i)));
        ctx.lineTo(x1, this.yPix(upper(j))); ctx.lineTo(x1, this.yPix(lower(j)));
        ctx.closePath(); ctx.fill();
      }
      return;
    }
    ctx.lineWidth = 1.6;
    for (const s of this.series) {
      if (!s.visible || !Number.isFinite(s.v[j])) continue;
      let p = i;
      while (p >= 0 && !Number.isFinite(s.v[p])) p--;
      ctx.strokeStyle = s.color;
      ctx.beginPath();
      if (p >= 0) { ctx.moveTo(this.x(this.t[p]), this.yPix(s.v[p])); ctx.lineTo(x1, this.yPix(s.v[j])); ctx.stroke(); }
      else { ctx.fillStyle = s.color; ctx.arc(x1, this.yPix(s.v[j]), 2.5, 0, 7); ctx.fill(); }
    }
  }

  /** A brief ring at time t, marking a reading that just arrived. */
  flash(t) {
    this.flashes.add({ t });
  }

  drawOverlay() {
    if (!this.domain) return;
    const ctx = this.overlayCanvas.getContext("2d");
    ctx.clearRect(0, 0, this.width, this.height);
    const th = theme();
    for (const f of this.flashes.aged()) {
      const i = bisectRight(this.t, f.t);
      if (i < 0) continue;
      const age = f.age;
      ctx.strokeStyle = th.accent;
      ctx.globalAlpha = 1 - age;
      ctx.lineWidth = 2;
      for (const s of this.series) {
        const v = this.stacked ? this.cumulative(this.series.indexOf(s))(i) : s.v[i];
        if (!s.visible || !Number.isFinite(v)) continue;
        ctx.beginPath(); ctx.arc(this.x(this.t[i]), this.yPix(v), 4 + 10 * age, 0, 7); ctx.stroke();
      }
      ctx.globalAlpha = 1;
    }
    this.drawHover(ctx, th);
  }

  drawHover(ctx, th) {
    const d = this.domain;
    if (this.hoverX == null || this.hoverX < d.left || !this.t.length) { this.tooltip.hidden = true; return; }
    const tAt = d.t0 + ((this.hoverX - d.left) / (d.right - d.left)) * (d.t1 - d.t0);
    let i = bisectRight(this.t, tAt);
    if (i < 0) i = 0;
    if (i + 1 < this.t.length && Math.abs(this.t[i + 1] - tAt) < Math.abs(this.t[i] - tAt)) i++;
    const x = Math.round(this.x(this.t[i])) + 0.5;
    ctx.strokeStyle = th.muted;
    ctx.setLineDash([3, 3]);
    ctx.beginPath(); ctx.moveTo(x, d.top); ctx.lineTo(x, d.bottom); ctx.stroke();
    ctx.setLineDash([]);
    const rows = [];
    this.series.forEach((s, k) => {
      if (!s.visible || !Number.isFinite(s.v[i])) return;
      const v = this.stacked ? this.cumulative(k)(i) : s.v[i];
      ctx.fillStyle = s.color;
      ctx.beginPath(); ctx.arc(x, this.yPix(v), 3.5, 0, 7); ctx.fill();
      const label = typeof s.label === "function" ? s.label() : s.label;
      rows.push(`<div><span class="swatch" style="background:${s.color}"></span>${label} <b>${fmtNumber(s.v[i], s.digits ?? this.digits)}${this.unit ? " " + this.unit : ""}</b></div>`);
    });
    this.tooltip.innerHTML = `<div class="tt-time">${fmtDateTime(new Date(this.t[i]))}</div>${rows.join("")}`;
    this.tooltip.hidden = false;
    const w = this.tooltip.offsetWidth;
    this.tooltip.style.left = `${x + 12 + w > this.width ? x - 12 - w : x + 12}px`;
    this.tooltip.style.top = `${d.top}px`;
  }
}
