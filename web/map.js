// Equirectangular maps on canvas: a world map (graticule + labelled reference points, no outline data)
// and a city map fitted to its points' bounding box. A static layer holds the background; points go
// on a data layer; hover and arrival flashes on an overlay.
import { fitCanvas, theme, Flashes, layeredCanvas } from "./axes.js";
import { t } from "./i18n.js";

// Reference points to orient the eye; coordinates are public geographic facts.
const WORLD_PLACES = [
  ["Paris", 2.35, 48.86], ["New York", -74.0, 40.71], ["Los Angeles", -118.24, 34.05], ["Anchorage", -149.9, 61.22],
  ["Mexico", -99.13, 19.43], ["Lima", -77.04, -12.05], ["Santiago", -70.67, -33.45], ["Reykjavik", -21.94, 64.15],
  ["Cape Town", 18.42, -33.92], ["Nairobi", 36.82, -1.29], ["Istanbul", 28.98, 41.01], ["Delhi", 77.21, 28.61],
  ["Jakarta", 106.85, -6.21], ["Tokyo", 139.69, 35.69], ["Sydney", 151.21, -33.87], ["Honolulu", -157.86, 21.31],
  ["Auckland", 174.76, -36.85], ["Manila", 120.98, 14.6],
];

const PARIS_PLACES = [
  ["Notre-Dame", 2.3499, 48.853], ["Tour Eiffel", 2.2945, 48.8584], ["La Défense", 2.2385, 48.8918],
  ["Gare du Nord", 2.3553, 48.8809], ["Montmartre", 2.3431, 48.8867],
  ["Bois de Vincennes", 2.4333, 48.8283], ["Saint-Denis", 2.3574, 48.9362],
];

/** Points (lon, lat, radius, colour) over an equirectangular projection. */
class PointMap {
  constructor(container, { aspect, height }) {
    this.aspect = aspect;
    this.fixedHeight = height;
    this.points = new Map();
    this.flashes = new Flashes(1500, () => this.drawOverlay());
    this.hover = null;
    container.classList.add("map");
    Object.assign(this, layeredCanvas());
    container.append(this.wrap);
    this.wrap.addEventListener("pointermove", (e) => { this.hover = this.pick(e.offsetX, e.offsetY); this.drawOverlay(); });
    this.wrap.addEventListener("pointerleave", () => { this.hover = null; this.drawOverlay(); });
    new ResizeObserver(() => this.resize()).observe(this.wrap);
  }

  resize() {
    const width = this.wrap.clientWidth;
    if (!width || width === this.width) return;
    this.width = width;
    this.height = this.fixedHeight ? Math.min(this.fixedHeight, Math.round(width * 0.9)) : Math.round(width / this.aspect);
    this.wrap.style.height = `${this.height}px`;
    for (const c of [this.staticCanvas, this.dataCanvas, this.overlayCanvas]) fitCanvas(c, width, this.height);
    this.redraw();
  }

  /** Replaces every point: items are {id, lon, lat, r, color, tip}. */
  setPoints(items) { this.points = new Map(items.map((p) => [p.id, p])); this.onPointsChanged(); this.redraw(); }

  /** Adds or replaces one point; a new point is drawn on top without redrawing the others. */
  upsert(p) {
    const existed = this.points.has(p.id);
    this.points.set(p.id, p);
    if (existed || !this.width || !this.onPointsChanged(true)) return this.drawData();
    return this.drawPoint(this.dataCanvas.getContext("2d"), p);
  }

  remove(id) { if (this.points.delete(id)) this.drawData(); }

  /** Hook for subclasses whose projection depends on the points; returns true when it did not change. */
  onPointsChanged() { return true; }

  redraw() { if (this.width) { this.drawStatic(); this.drawData(); this.drawOverlay(); } }

  drawData() {
    if (!this.width) return;
    const ctx = this.dataCanvas.getContext("2d");
    ctx.clearRect(0, 0, this.width, this.height);
    const ordered = [...this.points.values()].sort((a, b) => b.r - a.r);
    for (const p of ordered) this.drawPoint(ctx, p);
  }

  drawPoint(ctx, p) {
    const [x, y] = this.project(p.lon, p.lat);
    ctx.beginPath();
    ctx.arc(x, y, p.r, 0, 2 * Math.PI);
    ctx.fillStyle = p.color;
    ctx.globalAlpha = 0.72;
    ctx.fill();
    ctx.globalAlpha = 1;
    if (p.r > 3) { ctx.strokeStyle = "rgba(0,0,0,0.35)"; ctx.lineWidth = 0.7; ctx.stroke(); }
  }

  pick(x, y) {
    let best = null, bestD = Infinity;
    for (const p of this.points.values()) {
      const [px, py] = this.project(p.lon, p.lat);
      const d = Math.hypot(px - x, py - y);
      if (d <= Math.max(p.r, 5) + 2 && d < bestD) { best = p; bestD = d; }
    }
    return best;
  }

  flash(id) {
    this.flashes.add({ id });
  }

  drawOverlay() {
    if (!this.width) return;
    const ctx = this.overlayCanvas.getContext("2d");
    ctx.clearRect(0, 0, this.width, this.height);
    const th = theme();
    ctx.font = "11px system-ui, sans-serif";
    this.drawLabels(ctx, th);
    for (const f of this.flashes.aged()) {
      const p = this.points.get(f.id);
      if (!p) continue;
      const age = f.age;
      const [x, y] = this.project(p.lon, p.lat);
      ctx.strokeStyle = th.accent;
      ctx.lineWidth = 2.5;
      ctx.globalAlpha = 1 - age;
      ctx.beginPath(); ctx.arc(x, y, p.r + 4 + 22 * age, 0, 7); ctx.stroke();
      ctx.globalAlpha = 1;
    }
    if (!this.hover) { this.tooltip.hidden = true; return; }
    const [x, y] = this.project(this.hover.lon, this.hover.lat);
    ctx.strokeStyle = th.fg;
    ctx.lineWidth = 1.5;
    ctx.beginPath(); ctx.arc(x, y, this.hover.r + 2, 0, 7); ctx.stroke();
    this.tooltip.innerHTML = this.hover.tip();
    this.tooltip.hidden = false;
    const w = this.tooltip.offsetWidth, h = this.tooltip.offsetHeight;
    this.tooltip.style.left = `${x + 12 + w > this.width ? x - 12 - w : x + 12}px`;
    this.tooltip.style.top = `${Math.max(0, Math.min(y - h / 2, this.height - h))}px`;
  }

  label(ctx, th, text, x, y) {
    ctx.fillStyle = th.fg;
    ctx.beginPath(); ctx.arc(x, y, 2, 0, 7); ctx.fill();
    const w = ctx.measureText(text).width;
    const tx = x + 4 + w > this.width ? x - 4 - w : x + 4;
    ctx.lineWidth = 3;
    ctx.strokeStyle = th.bg;
    ctx.strokeText(text, tx, y - 5);
    ctx.fillText(text, tx, y - 5);
  }
}

/** The whole world, 2:1, with a 30° graticule, the equator and tropics, and reference cities. */
export class WorldMap extends PointMap {
  constructor(container) { super(container, { aspect: 2 }); }

  project(lon, lat) { return [((lon + 180) / 360) * this.width, ((90 - lat) / 180) * this.height]; }

  drawStatic() {
    const th = theme();
    const ctx = this.staticCanvas.getContext("2d");
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.fillStyle = th.bg;
    ctx.fillRect(0, 0, this.width, this.height);
    ctx.font = "11px system-ui, sans-serif";
    ctx.lineWidth = 1;
    for (let lon = -180; lon <= 180; lon += 30) {
      const [x] = this.project(lon, 0);
      ctx.strokeStyle = th.grid;
      ctx.beginPath(); ctx.moveTo(Math.round(x) + 0.5, 0); ctx.lineTo(Math.round(x) + 0.5, this.height); ctx.stroke();
      if (lon > -180 && lon < 180 && lon % 60 === 0) { ctx.fillStyle = th.muted; ctx.fillText(`${Math.abs(lon)}°${lon < 0 ? "W" : lon > 0 ? "E" : ""}`, x + 3, this.height - 4); }
    }
    for (let lat = -60; lat <= 60; lat += 30) {
      const [, y] = this.project(0, lat);
      ctx.strokeStyle = lat === 0 ? th.muted : th.grid;
      ctx.beginPath(); ctx.moveTo(0, Math.round(y) + 0.5); ctx.lineTo(this.width, Math.round(y) + 0.5); ctx.stroke();
      ctx.fillStyle = th.muted;
      ctx.fillText(lat === 0 ? t("world.equator") : `${Math.abs(lat)}°${lat < 0 ? "S" : "N"}`, 4, y - 3);
    }
    ctx.setLineDash([4, 4]);
    for (const lat of [23.44, -23.44, 66.56, -66.56]) {
      const [, y] = this.project(0, lat);
      ctx.strokeStyle = th.grid;
      ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(this.width, y); ctx.stroke();
    }
    ctx.setLineDash([]);
  }

  drawLabels(ctx, th) {
    if (this.width < 420) return;
    for (const [name, lon, lat] of WORLD_PLACES) { const [x, y] = this.project(lon, lat); this.label(ctx, th, name, x, y); }
  }
}

/** A city map fitted to the bounding box of its points; x is scaled by cos(latitude) to keep shapes. */
export class CityMap extends PointMap {
  constructor(container, height = 420) { super(container, { height }); this.box = null; }

  onPointsChanged(single = false) {
    const pts = [...this.points.values()];
    if (!pts.length) return true;
    const box = { w: Math.min(...pts.map((p) => p.lon)), e: Math.max(...pts.map((p) => p.lon)),
      s: Math.min(...pts.map((p) => p.lat)), n: Math.max(...pts.map((p) => p.lat)) };
    const inside = this.box && box.w >= this.box.w && box.e <= this.box.e && box.s >= this.box.s && box.n <= this.box.n;
    if (single && inside) return true;
    this.box = box;
    if (this.width) this.drawStatic();
    return false;
  }

  project(lon, lat) {
    const b = this.box ?? { w: 2.2, e: 2.5, s: 48.8, n: 48.92 };
    const k = Math.cos(((b.s + b.n) / 2) * Math.PI / 180);
    const margin = 14;
    const spanX = Math.max(1e-6, (b.e - b.w) * k), spanY = Math.max(1e-6, b.n - b.s);
    const scale = Math.min((this.width - 2 * margin) / spanX, (this.height - 2 * margin) / spanY);
    const ox = (this.width - spanX * scale) / 2, oy = (this.height - spanY * scale) / 2;
    return [ox + (lon - b.w) * k * scale, oy + (b.n - lat) * scale];
  }

  drawStatic() {
    const th = theme();
    const ctx = this.staticCanvas.getContext("2d");
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.fillStyle = th.bg;
    ctx.fillRect(0, 0, this.width, this.height);
    ctx.font = "11px system-ui, sans-serif";
    ctx.strokeStyle = th.grid;
    ctx.lineWidth = 1;
    const b = this.box ?? { w: 2.2, e: 2.5, s: 48.8, n: 48.92 };
    for (let lon = Math.ceil(b.w * 20) / 20; lon <= b.e; lon += 0.05) {
      const [x] = this.project(lon, b.s);
      ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, this.height); ctx.stroke();
    }
    for (let lat = Math.ceil(b.s * 40) / 40; lat <= b.n; lat += 0.025) {
      const [, y] = this.project(b.w, lat);
      ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(this.width, y); ctx.stroke();
    }
  }

  drawLabels(ctx, th) {
    const b = this.box ?? { w: 2.2, e: 2.5, s: 48.8, n: 48.92 };
    for (const [name, lon, lat] of PARIS_PLACES) {
      if (lon < b.w || lon > b.e || lat < b.s || lat > b.n) continue;
      const [x, y] = this.project(lon, lat);
      this.label(ctx, th, name, x, y);
    }
  }
}
