// Tick computation for time axes (local time) and value axes, plus the shared canvas helpers.
import { fmtDay, fmtTime, fmtNumber } from "./i18n.js";

const SECOND = 1000, MINUTE = 60 * SECOND, HOUR = 60 * MINUTE, DAY = 24 * HOUR;
const STEPS = [SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE,
  5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];

/** Ticks between t0 and t1 (ms) at least `minGap` pixels apart on `width` pixels, aligned on local time. */
export function timeTicks(t0, t1, width, minGap = 60) {
  const span = Math.max(1, t1 - t0);
  const maxTicks = Math.max(2, Math.floor(width / minGap));
  const step = STEPS.find((s) => span / s <= maxTicks) ?? 7 * DAY;
  const ticks = [];
  if (step >= HOUR) {
    const d = new Date(t0);
    d.setHours(0, 0, 0, 0);
    const stepHours = step / HOUR;
    while (d.getTime() <= t1 && ticks.length < 500) {
      if (d.getTime() >= t0) ticks.push(d.getTime());
      if (stepHours >= 24) d.setDate(d.getDate() + stepHours / 24);
      else d.setHours(d.getHours() + stepHours);
    }
  } else {
    for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  }
  return ticks.map((t) => {
    const d = new Date(t);
    const midnight = d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0;
    return { t, major: midnight, label: midnight && step >= HOUR ? fmtDay(d) : fmtTime(d, step < MINUTE) };
  });
}

/** A "nice" step (1, 2, 2.5, 5 × 10^n) giving about `count` intervals over `range`. */
export function niceStep(range, count) {
  const raw = range / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const norm = raw / mag;
  const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  return nice * mag;
}

/** A value domain widened to nice bounds, with its ticks. */
export function niceDomain(min, max, pixels, forceZero = false) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) { min = 0; max = 1; }
  if (forceZero) { min = Math.min(0, min); max = Math.max(0, max); }
  if (min === max) { const pad = Math.abs(min) * 0.1 || 1; min -= pad; max += pad; }
  const step = niceStep(max - min, Math.max(2, Math.floor(pixels / 42)));
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks = [];
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push({ v, label: fmtNumber(v, digits) });
  return { min: lo, max: hi, ticks };
}

/** Sizes a canvas for its CSS box and the device pixel ratio; returns a context in CSS pixels. */
export function fitCanvas(canvas, width, height) {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(width * dpr));
  canvas.height = Math.max(1, Math.round(height * dpr));
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/** The page's theme colours, read from CSS custom properties (they follow prefers-color-scheme). */
export function theme() {
  const css = getComputedStyle(document.documentElement);
  const v = (name) => css.getPropertyValue(name).trim();
  return { fg: v("--fg"), muted: v("--muted"), grid: v("--grid"), bg: v("--card"), accent: v("--accent"),
    font: "12px system-ui, sans-serif" };
}

/** Index of the last element of sorted `arr` that is <= x (or -1). */
export function bisectRight(arr, x, length = arr.length) {
  let lo = 0, hi = length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (arr[mid] <= x) lo = mid + 1; else hi = mid; }
  return lo - 1;
}

/** Arrival highlights that fade out: kept here, and the overlay redrawn each frame until they are gone. */
export class Flashes {
  constructor(durationMs, redraw) {
    this.durationMs = durationMs;
    this.redraw = redraw;
    this.items = [];
  }

  add(item) {
    this.items.push({ ...item, start: performance.now() });
    if (this.items.length === 1) requestAnimationFrame(() => this.tick());
  }

  tick() {
    const now = performance.now();
    this.items = this.items.filter((f) => now - f.start < this.durationMs);
    this.redraw();
    if (this.items.length) requestAnimationFrame(() => this.tick());
  }

  /** Each live highlight with its age, from 0 (new) to 1 (gone). */
  *aged() {
    const now = performance.now();
    for (const f of this.items) yield { ...f, age: (now - f.start) / this.durationMs };
  }
}

/** A box of three stacked canvases (static, data, overlay) and a hidden tooltip, shared by charts and maps. */
export function layeredCanvas() {
  const wrap = document.createElement("div");
  wrap.className = "chart-canvas";
  const [staticCanvas, dataCanvas, overlayCanvas] = ["static", "data", "overlay"].map((name) => {
    const c = document.createElement("canvas");
    c.className = `layer layer-${name}`;
    wrap.append(c);
    return c;
  });
  const tooltip = document.createElement("div");
  tooltip.className = "tooltip";
  tooltip.hidden = true;
  wrap.append(tooltip);
  return { wrap, staticCanvas, dataCanvas, overlayCanvas, tooltip };
}
