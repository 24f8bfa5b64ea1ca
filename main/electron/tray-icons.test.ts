// The tray icons in assets/tray: every state the tray can show has a file (1x and @2x, template and
// coloured), the committed files are exactly what scripts/make-icons.mjs draws, template images are
// black + alpha only, and the states differ visibly (template images by shape alone: macOS discards
// their colour).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { trayIconFile, TRAY_ICON_NAMES } from './tray-menu-model';

const root = path.resolve(__dirname, '..', '..');
const trayDir = path.join(root, 'assets', 'tray');

interface Png {
  width: number;
  height: number;
  /** RGBA, row-major */
  rgba: Buffer;
}

/** Minimal PNG reader for the files make-icons writes: 8-bit RGBA, not interlaced, filter 0 rows. */
function readPng(file: string): Png {
  const buf = fs.readFileSync(file);
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let off = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.subarray(off + 4, off + 8).toString('ascii');
    const data = buf.subarray(off + 8, off + 8 + len);
    expect(zlib.crc32(buf.subarray(off + 4, off + 8 + len)) >>> 0).toBe(buf.readUInt32BE(off + 8 + len));
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9], data[12]]).toEqual([8, 6, 0]); // 8-bit, RGBA, not interlaced
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    expect(raw[row]).toBe(0);
    raw.copy(rgba, y * width * 4, row + 1, row + 1 + width * 4);
  }
  return { width, height, rgba };
}

const files = TRAY_ICON_NAMES.flatMap((icon) =>
  [true, false].flatMap((template) => {
    const base = trayIconFile(icon, template);
    return [
      { icon, template, file: base, size: 16 },
      { icon, template, file: base.replace(/\.png$/, '@2x.png'), size: 32 },
    ];
  }),
);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-icons-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('tray icons', () => {
  it('has every state at 16 and 32 px, template and coloured', () => {
    for (const f of files) {
      const png = readPng(path.join(trayDir, f.file));
      expect([f.file, png.width, png.height]).toEqual([f.file, f.size, f.size]);
    }
  });

  it('are exactly what scripts/make-icons.mjs draws (run it after changing the drawing)', () => {
    execFileSync(process.execPath, [path.join(root, 'scripts', 'make-icons.mjs'), `--out=${tmp}`]);
    for (const f of [...files.map((x) => `assets/tray/${x.file}`), 'assets/icon.png']) {
      expect(fs.readFileSync(path.join(tmp, f)).equals(fs.readFileSync(path.join(root, f))), `${f} differs from the script's output`).toBe(true);
    }
  });

  it('draws template images in black and alpha only', () => {
    for (const f of files.filter((x) => x.template)) {
      const { rgba } = readPng(path.join(trayDir, f.file));
      let painted = 0;
      for (let i = 0; i < rgba.length; i += 4) {
        if (rgba[i + 3]! === 0) continue;
        painted++;
        expect([f.file, rgba[i], rgba[i + 1], rgba[i + 2]]).toEqual([f.file, 0, 0, 0]);
      }
      expect(painted).toBeGreaterThan(f.size * 2);
    }
  });

  it('tells every state apart: template images by alpha alone, coloured ones by their pixels', () => {
    for (const template of [true, false]) {
      for (const size of [16, 32]) {
        const images = files.filter((f) => f.template === template && f.size === size).map((f) => readPng(path.join(trayDir, f.file)).rgba);
        // What can tell states apart: alpha for a template, every channel for a coloured icon.
        const channels = template ? [3] : [0, 1, 2, 3];
        for (let a = 0; a < images.length; a++) {
          for (let b = a + 1; b < images.length; b++) {
            // At least a few pixels differ clearly, not just by a rounding step.
            let differing = 0;
            for (let p = 0; p < size * size; p++) {
              if (channels.some((c) => Math.abs(images[a]![p * 4 + c]! - images[b]![p * 4 + c]!) > 96)) differing++;
            }
            expect(differing, `${TRAY_ICON_NAMES[a]} vs ${TRAY_ICON_NAMES[b]} (${template ? 'template' : 'colour'} ${size}px)`).toBeGreaterThanOrEqual(4);
          }
        }
      }
    }
  });
});
