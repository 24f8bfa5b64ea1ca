#!/usr/bin/env node
// Draws the app and tray icons with signed-distance shapes and writes them as RGBA PNGs (zlib only,
// no dependencies). The motif is a small switchboard: three slider tracks with knobs.
//   assets/icon.png                      512 px app icon (electron-builder derives the other sizes)
//   assets/tray/trayTemplate{,@2x}.png   16/32 px macOS template images (black + alpha)
//   assets/tray/tray{,@2x}.png           16/32 px coloured tray icons for Windows and Linux
// Usage: node scripts/make-icons.mjs   (deterministic: same bytes on every run)
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------- PNG encoding ----------

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/** rgba: Float64Array of premultiplied [r,g,b,a] in 0..1, row-major. */
function encodePng(size, rgba, dpi = 72) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const a = rgba[i + 3];
      const o = y * (size * 4 + 1) + 1 + x * 4;
      const un = (v) => (a > 0 ? Math.round(Math.min(1, v / a) * 255) : 0);
      raw[o] = un(rgba[i]);
      raw[o + 1] = un(rgba[i + 1]);
      raw[o + 2] = un(rgba[i + 2]);
      raw[o + 3] = Math.round(Math.min(1, a) * 255);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const phys = Buffer.alloc(9);
  const ppm = Math.round(dpi / 0.0254);
  phys.writeUInt32BE(ppm, 0);
  phys.writeUInt32BE(ppm, 4);
  phys[8] = 1; // metres
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('pHYs', phys),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------- shapes (signed distance, in pixels) ----------

const clamp01 = (v) => Math.max(0, Math.min(1, v));
/** Pixel coverage from a signed distance at the pixel centre (1 px wide anti-aliasing). */
const cover = (d) => clamp01(0.5 - d);

function sdRoundRect(px, py, x0, y0, x1, y1, r) {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const qx = Math.abs(px - cx) - ((x1 - x0) / 2 - r);
  const qy = Math.abs(py - cy) - ((y1 - y0) / 2 - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function sdCapsule(px, py, ax, ay, bx, by, r) {
  const pax = px - ax;
  const pay = py - ay;
  const bax = bx - ax;
  const bay = by - ay;
  const h = clamp01((pax * bax + pay * bay) / (bax * bax + bay * bay));
  return Math.hypot(pax - bax * h, pay - bay * h) - r;
}

const sdCircle = (px, py, cx, cy, r) => Math.hypot(px - cx, py - cy) - r;

// ---------- canvas ----------

class Canvas {
  constructor(size) {
    this.size = size;
    this.px = new Float64Array(size * size * 4);
  }
  /** Paints `color` ([r,g,b] 0..1) with alpha = coverage(x,y) * opacity, "over" what is there. */
  paint(coverage, color, opacity = 1) {
    const { size, px } = this;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const c = coverage(x + 0.5, y + 0.5);
        if (c <= 0) continue;
        const a = c * opacity;
        const col = typeof color === 'function' ? color(x + 0.5, y + 0.5) : color;
        const i = (y * size + x) * 4;
        px[i] = col[0] * a + px[i] * (1 - a);
        px[i + 1] = col[1] * a + px[i + 1] * (1 - a);
        px[i + 2] = col[2] * a + px[i + 2] * (1 - a);
        px[i + 3] = a + px[i + 3] * (1 - a);
      }
    }
  }
  png(dpi) {
    return encodePng(this.size, this.px, dpi);
  }
}

const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255);
const lerp = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

// ---------- the glyph ----------

/** Knob positions along each track (0 = left end, 1 = right end). */
const KNOBS = [0.32, 0.7, 0.5];

/**
 * Three horizontal tracks with knobs. The part of a track left of its knob is "on" (full opacity),
 * the rest is dimmed; a thin gap separates each knob from its track so the shapes stay legible.
 * g: { x0, x1, rows: [y...], knobs?: [x...] (absolute, else KNOBS), trackR, knobR, gap, dim }
 * Small sizes put 1 px tracks and odd-width knobs on pixel centres so they stay crisp.
 */
function drawGlyph(canvas, g, color) {
  g.rows.forEach((y, row) => {
    const kx = g.knobs ? g.knobs[row] : g.x0 + (g.x1 - g.x0) * KNOBS[row];
    const outsideGap = (px, py) => clamp01(sdCircle(px, py, kx, y, g.knobR + g.gap) + 0.5);
    const track = (px, py) => cover(sdCapsule(px, py, g.x0, y, g.x1, y, g.trackR)) * outsideGap(px, py);
    canvas.paint((px, py) => (px < kx ? track(px, py) : 0), color);
    canvas.paint((px, py) => (px >= kx ? track(px, py) : 0), color, g.dim);
    canvas.paint((px, py) => cover(sdCircle(px, py, kx, y, g.knobR)), color);
  });
}

const INDIGO_TOP = hex('#6a63f6');
const INDIGO_BOTTOM = hex('#3d34c4');
const WHITE = [1, 1, 1];
const BLACK = [0, 0, 0];

function appIcon(size) {
  const c = new Canvas(size);
  const s = size / 512;
  const m = 34 * s; // margin around the tile
  const tile = [m, m, size - m, size - m];
  // Soft shadow under the tile.
  c.paint((x, y) => clamp01(0.5 - sdRoundRect(x, y - 6 * s, tile[0], tile[1], tile[2], tile[3], 104 * s) / (14 * s)), BLACK, 0.18);
  c.paint(
    (x, y) => cover(sdRoundRect(x, y, ...tile, 104 * s)),
    (x, y) => lerp(INDIGO_TOP, INDIGO_BOTTOM, clamp01((x + y) / (2 * size))),
  );
  drawGlyph(
    c,
    { x0: 148 * s, x1: 364 * s, rows: [170 * s, 256 * s, 342 * s], trackR: 15 * s, knobR: 34 * s, gap: 14 * s, dim: 0.42 },
    WHITE,
  );
  return c;
}

/** Tray glyph on a transparent background (template: black + alpha). */
function templateIcon(size) {
  const c = new Canvas(size);
  const s = size / 16;
  drawGlyph(
    c,
    { x0: 2.5 * s, x1: 13.5 * s, rows: [4 * s, 8 * s, 12 * s], knobs: [5 * s, 11 * s, 8 * s], trackR: 1 * s, knobR: 2.1 * s, gap: 1 * s, dim: 0.5 },
    BLACK,
  );
  return c;
}

/** Coloured tray icon: the app tile without margin, glyph in white. Reads on light and dark bars. */
function colourTrayIcon(size) {
  const c = new Canvas(size);
  const s = size / 16;
  c.paint(
    (x, y) => cover(sdRoundRect(x, y, 0.5 * s, 0.5 * s, size - 0.5 * s, size - 0.5 * s, 3.6 * s)),
    (x, y) => lerp(INDIGO_TOP, INDIGO_BOTTOM, clamp01((x + y) / (2 * size))),
  );
  drawGlyph(
    c,
    { x0: 3.5 * s, x1: 12.5 * s, rows: [4 * s, 8 * s, 12 * s], knobs: [6 * s, 10.5 * s, 8 * s], trackR: 0.9 * s, knobR: 1.9 * s, gap: 0.8 * s, dim: 0.5 },
    WHITE,
  );
  return c;
}

const outputs = [
  ['assets/icon.png', appIcon(512), 72],
  ['assets/tray/trayTemplate.png', templateIcon(16), 72],
  ['assets/tray/trayTemplate@2x.png', templateIcon(32), 144],
  ['assets/tray/tray.png', colourTrayIcon(16), 72],
  ['assets/tray/tray@2x.png', colourTrayIcon(32), 144],
];

for (const [file, canvas, dpi] of outputs) {
  const out = path.join(root, file);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, canvas.png(dpi));
  console.log(`wrote ${file} (${canvas.size}×${canvas.size})`);
}

// Large previews of the small icons, for looking at them (not shipped): node scripts/make-icons.mjs --preview
if (process.argv.includes('--preview')) {
  const dir = path.join(root, 'test-results/icon-previews');
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, canvas] of outputs.slice(1)) {
    const zoom = Math.floor(256 / canvas.size);
    const big = new Canvas(canvas.size * zoom);
    for (let y = 0; y < big.size; y++) {
      for (let x = 0; x < big.size; x++) {
        const src = (Math.floor(y / zoom) * canvas.size + Math.floor(x / zoom)) * 4;
        const dst = (y * big.size + x) * 4;
        // Checkerboard behind, so transparency is visible.
        const bg = (Math.floor(x / 16) + Math.floor(y / 16)) % 2 ? 0.85 : 0.7;
        const a = canvas.px[src + 3];
        for (let k = 0; k < 3; k++) big.px[dst + k] = canvas.px[src + k] + bg * (1 - a);
        big.px[dst + 3] = 1;
      }
    }
    fs.writeFileSync(path.join(dir, path.basename(file)), big.png(72));
  }
  console.log(`previews in ${path.relative(root, dir)}`);
}
