#!/usr/bin/env node
// Draws the app and tray icons with signed-distance shapes and writes them as RGBA PNGs (zlib only,
// no dependencies). The motif is a small switchboard: three slider tracks with knobs.
//   assets/icon.png                              512 px app icon (electron-builder derives the rest)
//   assets/tray/tray[-state]Template{,@2x}.png   16/32 px macOS template images (black + alpha)
//   assets/tray/tray[-state]{,@2x}.png           16/32 px coloured tray icons for Windows and Linux
// The tray shows the worst server state (main/electron/tray-menu-model.ts, trayIconName):
//   ok         the switchboard                       (no suffix: tray.png, trayTemplate.png)
//   idle       every switch off: hollow knobs, dimmed tracks (no server running; grey in colour)
//   attention  a dot badge top right                 (needs sign-in, retrying; amber in colour)
//   error      a bigger badge with "!" cut out       (a proxy gave up; red in colour)
// Template images cannot be coloured, so the states differ by shape first; colour only adds to it.
// Usage: node scripts/make-icons.mjs [--preview] [--out=dir]   (deterministic: same bytes every run)
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// --out=<dir> writes the same files under another folder (tray-icons.test.ts compares them).
const outArg = process.argv.find((a) => a.startsWith('--out='));
const outRoot = outArg ? path.resolve(outArg.slice('--out='.length)) : root;

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
  /** Removes coverage(x,y) of what is painted (a cut-out that lets the menu bar show through). */
  erase(coverage) {
    const { size, px } = this;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const c = coverage(x + 0.5, y + 0.5);
        if (c <= 0) continue;
        const i = (y * size + x) * 4;
        for (let k = 0; k < 4; k++) px[i + k] *= 1 - Math.min(1, c);
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
    // off: every track dimmed and hollow knobs (g.ring = stroke width), "nothing is switched on".
    canvas.paint((px, py) => (px < kx ? track(px, py) : 0), color, g.off ? g.dim : 1);
    canvas.paint((px, py) => (px >= kx ? track(px, py) : 0), color, g.dim);
    const knob = g.off
      ? (px, py) => cover(Math.abs(sdCircle(px, py, kx, y, g.knobR - g.ring / 2)) - g.ring / 2)
      : (px, py) => cover(sdCircle(px, py, kx, y, g.knobR));
    canvas.paint(knob, color);
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
  drawGlyph(c, { x0: 148 * s, x1: 364 * s, rows: [170 * s, 256 * s, 342 * s], trackR: 15 * s, knobR: 34 * s, gap: 14 * s, dim: 0.42 }, WHITE);
  return c;
}

/**
 * Knob positions of the tray glyphs, in 16 px units: whole numbers, so that on the 4 px rows a 4 px
 * knob covers whole pixels at 16 px. The top right corner stays free of knobs so a badge can sit
 * there without cutting one in half.
 */
const TRAY_KNOBS = [4, 8, 11];

/**
 * Badges, in 16 px units, in the top right corner. Attention: a dot. Error: a bigger disc with an
 * exclamation mark. Centres sit on pixel centres so the 1 px strokes of the mark stay crisp at 16 px.
 */
const BADGES = {
  attention: { cx: 12.5, cy: 3.5, r: 2.5 },
  error: { cx: 12.5, cy: 3.5, r: 3.5 },
};
const BADGE_GAP = 0.8;

/** The "!" inside an error badge, as a coverage function (scale s = size / 16). */
function exclamation(b, s) {
  const cx = b.cx * s;
  const cy = b.cy * s;
  const w = 0.5 * s;
  return (x, y) => Math.max(cover(sdCapsule(x, y, cx, cy - 1.9 * s, cx, cy + 0.4 * s, w)), cover(sdCircle(x, y, cx, cy + 1.85 * s, 0.6 * s)));
}

function badgeShape(b, s, grow = 0) {
  return (x, y) => cover(sdCircle(x, y, b.cx * s, b.cy * s, (b.r + grow) * s));
}

/** Tray glyph on a transparent background (template: black + alpha), one per state. */
function templateIcon(size, state) {
  const c = new Canvas(size);
  const s = size / 16;
  const idle = state === 'idle';
  drawGlyph(
    c,
    {
      x0: 2.5 * s,
      x1: 13.5 * s,
      rows: [4 * s, 8 * s, 12 * s],
      knobs: TRAY_KNOBS.map((k) => k * s),
      trackR: 1 * s,
      knobR: 2 * s,
      gap: 1 * s,
      dim: 0.5,
      off: idle,
      ring: 1 * s,
    },
    BLACK,
  );
  const b = BADGES[state];
  if (b) {
    c.erase(badgeShape(b, s, BADGE_GAP));
    c.paint(badgeShape(b, s), BLACK);
    if (state === 'error') c.erase(exclamation(b, s));
  }
  return c;
}

const SLATE_TOP = hex('#9aa0aa');
const SLATE_BOTTOM = hex('#6e747e');
const AMBER = hex('#f5a623');
const RED = hex('#e5383b');

/** Coloured tray icon: the app tile without margin, glyph in white. Reads on light and dark bars. */
function colourTrayIcon(size, state) {
  const c = new Canvas(size);
  const s = size / 16;
  const idle = state === 'idle';
  const [top, bottom] = idle ? [SLATE_TOP, SLATE_BOTTOM] : [INDIGO_TOP, INDIGO_BOTTOM];
  c.paint(
    (x, y) => cover(sdRoundRect(x, y, 0.5 * s, 0.5 * s, size - 0.5 * s, size - 0.5 * s, 3.6 * s)),
    (x, y) => lerp(top, bottom, clamp01((x + y) / (2 * size))),
  );
  drawGlyph(
    c,
    {
      x0: 3.5 * s,
      x1: 12.5 * s,
      rows: [4 * s, 8 * s, 12 * s],
      knobs: TRAY_KNOBS.map((k) => k * s),
      trackR: 1 * s,
      knobR: 2 * s,
      gap: 0.8 * s,
      dim: 0.5,
      off: idle,
      ring: 0.9 * s,
    },
    WHITE,
  );
  const b = BADGES[state];
  if (b) {
    // The badge stands off the tile through a transparent ring, like a notification badge.
    c.erase(badgeShape(b, s, BADGE_GAP));
    c.paint(badgeShape(b, s), state === 'error' ? RED : AMBER);
    if (state === 'error') c.paint(exclamation(b, s), WHITE);
  }
  return c;
}

const TRAY_STATES = ['ok', 'idle', 'attention', 'error'];
const trayName = (state, template, scale) => `assets/tray/tray${state === 'ok' ? '' : `-${state}`}${template ? 'Template' : ''}${scale === 2 ? '@2x' : ''}.png`;

const outputs = [['assets/icon.png', appIcon(512), 72]];
for (const state of TRAY_STATES) {
  for (const template of [true, false]) {
    for (const scale of [1, 2]) {
      const draw = template ? templateIcon : colourTrayIcon;
      outputs.push([trayName(state, template, scale), draw(16 * scale, state), 72 * scale]);
    }
  }
}

for (const [file, canvas, dpi] of outputs) {
  const out = path.join(outRoot, file);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, canvas.png(dpi));
  if (!outArg) console.log(`wrote ${file} (${canvas.size}×${canvas.size})`);
}

// A preview sheet of the tray icons, for looking at them (not shipped):
//   node scripts/make-icons.mjs --preview  →  test-results/icon-previews/tray-sheet.png
// Rows: template on a light bar (black), template on a dark bar (white, as macOS draws it),
// coloured on light, coloured on dark. Columns: each state at 1x, then at 2x; each pixel zoomed.
if (process.argv.includes('--preview')) {
  const dir = path.join(root, 'test-results/icon-previews');
  fs.mkdirSync(dir, { recursive: true });
  const zoom = 4;
  const cell = 32 * zoom + 24;
  const rows = [
    { template: true, bg: hex('#ececec'), tint: null },
    { template: true, bg: hex('#1e1e1e'), tint: WHITE },
    { template: false, bg: hex('#ececec'), tint: null },
    { template: false, bg: hex('#1e1e1e'), tint: null },
  ];
  const cols = TRAY_STATES.flatMap((state) => [1, 2].map((scale) => ({ state, scale })));
  const sheet = { w: cols.length * cell, h: rows.length * cell };
  const size = Math.max(sheet.w, sheet.h);
  const big = new Canvas(size);
  rows.forEach((row, ri) => {
    cols.forEach(({ state, scale }, ci) => {
      const src = (row.template ? templateIcon : colourTrayIcon)(16 * scale, state);
      const z = (2 * zoom) / scale; // 16 px at 16x, 32 px at 8x: same size on the sheet
      for (let y = 0; y < cell; y++) {
        for (let x = 0; x < cell; x++) {
          const dst = ((ri * cell + y) * size + ci * cell + x) * 4;
          let col = row.bg;
          const sx = Math.floor((x - 12) / z);
          const sy = Math.floor((y - 12) / z);
          if (x >= 12 && y >= 12 && sx < src.size && sy < src.size) {
            const i = (sy * src.size + sx) * 4;
            const a = src.px[i + 3];
            const fg = row.tint ? row.tint.map((v) => v * a) : [src.px[i], src.px[i + 1], src.px[i + 2]];
            col = col.map((v, k) => fg[k] + v * (1 - a));
          }
          big.px.set([...col, 1], dst);
        }
      }
    });
  });
  fs.writeFileSync(path.join(dir, 'tray-sheet.png'), big.png(72));
  console.log(`preview in ${path.relative(root, path.join(dir, 'tray-sheet.png'))}`);
}
