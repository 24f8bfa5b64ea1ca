#!/usr/bin/env node
// Log viewer benchmark: the built renderer in Debian Chromium, the real app page with its "Logs"
// view, 100,000 lines appended through the logs:did-append listener, then the list scrolled while
// requestAnimationFrame measures frame durations.
//
//   node bench/logview.mjs            builds the renderer into a temp dir (leaves out/ alone), runs,
//                                     prints `name: value` lines, writes bench/results/logview-latest.json
//   node bench/logview.mjs --out=out  uses an existing build (a dir with renderer/ and assets/)
//   npm run bench                     bench/run.mjs calls runLogviewBench() on the fresh out/renderer
//                                     and records the figures with the others
//
// window.switchboard is a BENCH-ONLY FAKE here (injected with page.addInitScript): one server, an
// empty tail, and an emit() the bench drives. The core is not part of what is measured.
//
// Figures:
//   logview_append_100k_ms        first batch emitted → the 100,000th line rendered at the bottom
//   logview_append_frame_ms_p95   rAF frame interval p95 while the lines arrive
//   logview_frame_ms_p95          rAF frame interval p95 while scrolling, both phases (the issue's
//                                 figure); ~16.7 ms means no dropped frame at 60 Hz
//   logview_frame_ms_p95_sweep    the same for the sweep: top to bottom in 600 frames, every frame
//                                 all new rows (dragging the scrollbar thumb; the worst case)
//   logview_frame_ms_p95_wheel    the same for the wheel: 300 frames, three rows a frame
//   logview_frame_ms_p50, logview_frame_ms_max, logview_frames_over_33ms (scrolling, both phases)
//   logview_idle_frame_ms_p95     baseline: frame interval p95 of the idle app page in the same run
//   logview_frame_p95_ratio_vs_idle  scrolling p95 ÷ that baseline (1.0: scrolling costs no frames)
//   logview_scroll_cpu_ms_per_frame_{sweep,wheel}  CPU time of the page's main thread per frame
//                                 (CDP Performance ThreadTime): far less moved by other load
//   logview_dom_rows              row elements in the DOM at the end (virtualization at work)
//
// Knobs: BENCH_LOGVIEW_LINES (100000), BENCH_LOGVIEW_BATCH (500), CHROMIUM (/usr/bin/chromium),
// BENCH_LOGVIEW_PROFILE=<file.cpuprofile> (CPU profile of the page while scrolling),
// BENCH_LOGVIEW_TRACE=<file.json> (Chromium trace of the sweep, for chrome://tracing or Perfetto).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { percentile, round, within } from './lib.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const int = (v, d) => (Number.isInteger(Number(v)) && Number(v) > 0 ? Number(v) : d);
const LINES = int(process.env.BENCH_LOGVIEW_LINES, 100_000);
const BATCH = int(process.env.BENCH_LOGVIEW_BATCH, 500);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
/** Frames of the two scroll phases: a fast sweep over the whole list, then reading speed. */
const SWEEP_FRAMES = 600;
const WHEEL_FRAMES = 300;
const WHEEL_PX_PER_FRAME = 66; // three rows a frame
const IDLE_FRAMES = 180;

/** Time the benchmark may take (bench/run.mjs adds it to its deadline). */
export const LOGVIEW_BUDGET_MS = 4 * 60_000;

export const LOGVIEW_FIGURES = [
  'logview_append_100k_ms',
  'logview_append_frame_ms_p95',
  'logview_frame_ms_p50',
  'logview_frame_ms_p95',
  'logview_frame_ms_p95_sweep',
  'logview_frame_ms_p95_wheel',
  'logview_idle_frame_ms_p95',
  'logview_frame_p95_ratio_vs_idle',
  'logview_scroll_cpu_ms_per_frame_sweep',
  'logview_scroll_cpu_ms_per_frame_wheel',
  'logview_frame_ms_max',
  'logview_frames_over_33ms',
  'logview_dom_rows',
];

/** Renderer build in a private temp dir, so a concurrent build or e2e run using out/ is untouched. */
async function buildRenderer(outDir, log) {
  log(`logview: building the renderer into ${outDir}`);
  const { build } = await import('vite');
  await build({
    configFile: path.join(ROOT, 'renderer/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: path.join(outDir, 'renderer'), emptyOutDir: true, sourcemap: false },
  });
  // index.html links ../assets/tray/…: give it the same layout as out/.
  fs.cpSync(path.join(ROOT, 'assets'), path.join(outDir, 'assets'), { recursive: true });
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** Static files from `root` on 127.0.0.1, GET only, no path escapes. */
async function serve(root) {
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = path.resolve(base, `.${pathname.endsWith('/') ? `${pathname}index.html` : pathname}`);
    if (req.method !== 'GET' || !file.startsWith(base + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, body) => {
      if (err) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

/** BENCH-ONLY FAKE of window.switchboard, serialized into the page: no outside references. */
function installBenchBridge(server) {
  const listeners = new Map();
  const calls = [];
  const answers = {
    'servers:list': [server],
    'logs:tail': [],
    'clients:list': [],
    'clients:status': [],
    'clients:find-imports': [],
    'app:take-proposal': null,
    'settings:get': { launchAtLogin: false, logRetentionDays: 7, theme: 'light', weakStorage: 'store' },
    'app:info': {
      version: '0.0.0-bench',
      dataDir: '/tmp/bench',
      platform: 'linux',
      loginItemSupported: false,
      secretStorage: { secure: true, backend: 'bench' },
    },
  };
  window.switchboard = {
    call(name) {
      calls.push(name);
      if (name in answers) return Promise.resolve({ ok: true, value: structuredClone(answers[name]) });
      return Promise.resolve({ ok: false, error: `bench bridge: ${name} is not part of the log view benchmark` });
    },
    on(name, listener) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name).add(listener);
      return () => listeners.get(name)?.delete(listener);
    },
  };
  window.__bench = {
    calls,
    listenerCount: (name) => listeners.get(name)?.size ?? 0,
    emit(name, payload) {
      for (const l of listeners.get(name) ?? []) l(payload);
    },
  };
}

const SERVER = {
  id: 'bench-server',
  name: 'Bench server',
  url: 'https://mcp.bench.example/mcp',
  enabled: true,
  headerNames: [],
  signIn: 'none',
  status: {
    serverId: 'bench-server',
    state: 'ready',
    since: Date.now(),
    restarts: 0,
    counters: { connections: 1, connectionsTotal: 1, requests: 0, errors: 0 },
  },
};

/** In the page: append `lines` in batches through the listener; frame intervals meanwhile. */
async function appendInPage({ lines, batch, serverId }) {
  const methods = ['tools/call', 'tools/list', 'resources/read', 'prompts/get', 'ping'];
  const events = new Array(lines);
  const t = Date.now() - lines;
  for (let i = 0; i < lines; i++) {
    const m = methods[i % methods.length];
    const k = i % 10;
    if (k < 4)
      events[i] = {
        ts: t + i,
        level: 'debug',
        server: serverId,
        connection: 1 + (i % 3),
        message: `→ ${m}`,
        method: m,
        id: i,
        direction: 'client-to-server',
        size: 120 + (i % 900),
      };
    else if (k < 8)
      events[i] = {
        ts: t + i,
        level: 'info',
        server: serverId,
        connection: 1 + (i % 3),
        message: `${m} ok`,
        method: m,
        id: i - 1,
        direction: 'server-to-client',
        durationMs: (i % 400) / 3,
        size: 300 + (i % 5000),
      };
    else if (k === 8)
      events[i] = {
        ts: t + i,
        level: 'warn',
        server: serverId,
        message: `Upstream answered 502 Bad Gateway; retrying in ${1 + (i % 30)} s (attempt ${i % 7})`,
      };
    else
      events[i] = {
        ts: t + i,
        level: i % 20 === 9 ? 'error' : 'info',
        server: serverId,
        message: `Health check ${i}: upstream session ${(i * 2654435761) % 4294967296} re-initialized after a 404 on POST /mcp; the client's initialize was replayed`,
      };
  }
  const last = events[lines - 1].message;
  const frames = [];
  let measuring = true;
  let prev = performance.now();
  const tick = (now) => {
    frames.push(now - prev);
    prev = now;
    if (measuring) requestAnimationFrame(tick);
  };
  requestAnimationFrame((now) => {
    prev = now;
    requestAnimationFrame(tick);
  });
  const yieldTask = () =>
    new Promise((r) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => r();
      ch.port2.postMessage(0);
    });
  const t0 = performance.now();
  for (let i = 0; i < lines; i += batch) {
    window.__bench.emit('logs:did-append', events.slice(i, i + batch));
    await yieldTask();
  }
  const rendered = () => {
    const rows = document.querySelectorAll('.lv-rows [role="listitem"]');
    return rows.length > 0 && rows[rows.length - 1].textContent.includes(last);
  };
  await new Promise((resolve, reject) => {
    const deadline = performance.now() + 60_000;
    const check = () => {
      if (rendered()) resolve();
      else if (performance.now() > deadline) reject(new Error('the last line never appeared'));
      else requestAnimationFrame(check);
    };
    check();
  });
  // The frame that shows it has been painted once the next frame starts.
  await new Promise((r) => requestAnimationFrame(() => r()));
  const ms = performance.now() - t0;
  measuring = false;
  return { ms, frames: frames.slice(1), status: document.querySelector('.lv-status')?.textContent ?? '' };
}

/** In the page: frame intervals of `n` frames with nothing to do. */
async function idleFramesInPage(n) {
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  let prev = await frame();
  const out = [];
  for (let i = 0; i < n; i++) {
    const now = await frame();
    out.push(now - prev);
    prev = now;
  }
  return out;
}

/**
 * In the page: scroll the list programmatically, one step per frame, and time the frames.
 * `sweep`: top to bottom over `frames` frames (every frame shows new rows: dragging the thumb);
 * `wheel`: upwards from the bottom by `px` a frame (a brisk mouse wheel).
 */
async function scrollInPage({ mode, frames: n, px }) {
  const el = document.querySelector('.lv-scroller');
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const max = el.scrollHeight - el.clientHeight;
  // The sweep starts at the top: like a user scrolling up, that pauses following.
  el.scrollTop = mode === 'sweep' ? 0 : max;
  for (let i = 0; i < 10; i++) await frame();
  const frames = [];
  const firstSeqs = new Set();
  let pausedMidway = false;
  let prev = await frame();
  for (let i = 1; i <= n; i++) {
    el.scrollTop = mode === 'sweep' ? Math.round((i * max) / n) : Math.max(0, max - i * px);
    const now = await frame();
    frames.push(now - prev);
    prev = now;
    firstSeqs.add(document.querySelector('.lv-rows [role="listitem"]')?.getAttribute('data-seq'));
    if (i === Math.floor(n / 2)) pausedMidway = document.querySelector('.lv-jump') !== null;
  }
  for (let i = 0; i < 5; i++) await frame();
  return {
    frames,
    distinctWindows: firstSeqs.size,
    domRows: document.querySelectorAll('.lv-rows [role="listitem"]').length,
    pausedMidway,
    scrollHeight: el.scrollHeight,
  };
}

/**
 * Runs the benchmark; returns the figures (LOGVIEW_FIGURES). `rendererRoot`: a built out/ dir with
 * renderer/ and assets/ (absent or unbuilt: a private build). Errors propagate unless `optional`.
 */
export async function runLogviewBench({ log = (m) => process.stderr.write(`[bench] ${m}\n`), rendererRoot, optional = false } = {}) {
  if (!optional) return measure({ log, rendererRoot });
  // Inside the whole bench: a browser failure must not throw away the other figures; it is
  // reported, and the figures are recorded as null.
  try {
    return await measure({ log, rendererRoot });
  } catch (err) {
    log(`logview FAILED (figures recorded as null): ${err?.stack ?? err}`);
    return Object.fromEntries(LOGVIEW_FIGURES.map((name) => [name, null]));
  }
}

async function measure({ log, rendererRoot }) {
  const { chromium } = await import('playwright-core');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set CHROMIUM=…)`);
  let tmp;
  let srv;
  let browser;
  try {
    let root = rendererRoot;
    if (root && !fs.existsSync(path.join(root, 'renderer/index.html'))) {
      log(`logview: no built renderer in ${root}/renderer`);
      root = undefined;
    }
    if (!root) {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-logview-'));
      await buildRenderer(tmp, log);
      root = tmp;
    }
    if (!fs.existsSync(path.join(root, 'renderer/index.html'))) throw new Error(`no built renderer in ${root}/renderer`);
    srv = await serve(root);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.addInitScript(installBenchBridge, SERVER);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    await page.goto(`${srv.url}renderer/index.html`);
    // Baseline in the same run: frame intervals of the app's idle first page, so a loaded machine
    // shows up as a slow baseline rather than as a slow list.
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 15_000 });
    const idle = await page.evaluate(idleFramesInPage, IDLE_FRAMES);
    // The real app page: its "Logs" entry in the main navigation.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Logs' }).click({ timeout: 15_000 });
    await page.locator('.lv-scroller').waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => window.__bench.listenerCount('logs:did-append') > 0 && window.__bench.calls.includes('logs:tail'));
    await page.getByText('No log lines yet.').waitFor({ timeout: 10_000 }); // the tail has answered

    log(`logview: appending ${LINES} lines in batches of ${BATCH}`);
    const append = await within(page.evaluate(appendInPage, { lines: LINES, batch: BATCH, serverId: SERVER.id }), 120_000, 'appending lines');
    log(`logview: appended in ${round(append.ms, 0)} ms; status: ${append.status}`);
    const profile = process.env.BENCH_LOGVIEW_PROFILE;
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const phase = async (mode, frames, px) => {
      log(`logview: scrolling, ${mode}: ${frames} frames${px ? ` at ${px} px a frame` : ' over the whole list'}`);
      const before = await metrics();
      const r = await within(page.evaluate(scrollInPage, { mode, frames, px }), 120_000, `scrolling (${mode})`);
      const after = await metrics();
      const perFrame = (name) => ((after[name] - before[name]) * 1000) / r.frames.length;
      r.cpuPerFrame = perFrame('ThreadTime');
      log(
        `logview: ${mode}: frame p50 ${round(percentile(r.frames, 50), 1)} ms, p95 ${round(percentile(r.frames, 95), 1)} ms; ` +
          `main thread per frame: cpu ${perFrame('ThreadTime').toFixed(2)} ms, task ${perFrame('TaskDuration').toFixed(2)} ms, ` +
          `script ${perFrame('ScriptDuration').toFixed(2)} ms, layout ${perFrame('LayoutDuration').toFixed(2)} ms, style ${perFrame('RecalcStyleDuration').toFixed(2)} ms; ` +
          `${r.distinctWindows} distinct row windows, ${r.domRows} rows in the DOM`,
      );
      if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join('; ')}`);
      // Sanity: the list must really have moved and have paused following, else the frame
      // times would measure nothing.
      if (r.distinctWindows < frames / 2) throw new Error(`the list did not move with the scroll (${r.distinctWindows} distinct windows in ${frames} frames)`);
      if (!r.pausedMidway) throw new Error('scrolling away from the latest line did not pause following');
      return r;
    };
    const trace = process.env.BENCH_LOGVIEW_TRACE;
    if (trace) await browser.startTracing(page, { path: trace, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc'] });
    const sweep = await phase('sweep', SWEEP_FRAMES);
    if (trace) {
      await browser.stopTracing();
      log(`logview: trace of the sweep in ${trace}`);
    }
    const wheel = await phase('wheel', WHEEL_FRAMES, WHEEL_PX_PER_FRAME);
    if (profile) {
      fs.writeFileSync(profile, JSON.stringify((await cdp.send('Profiler.stop')).profile));
      log(`logview: CPU profile of the scroll phases in ${profile}`);
    }
    const frames = [...sweep.frames, ...wheel.frames];
    return {
      logview_append_100k_ms: round(append.ms, 0),
      logview_append_frame_ms_p95: round(percentile(append.frames, 95), 1),
      logview_frame_ms_p50: round(percentile(frames, 50), 1),
      logview_frame_ms_p95: round(percentile(frames, 95), 1),
      logview_frame_ms_p95_sweep: round(percentile(sweep.frames, 95), 1),
      logview_frame_ms_p95_wheel: round(percentile(wheel.frames, 95), 1),
      logview_idle_frame_ms_p95: round(percentile(idle, 95), 1),
      logview_frame_p95_ratio_vs_idle: round(percentile(frames, 95) / percentile(idle, 95), 2),
      logview_scroll_cpu_ms_per_frame_sweep: round(sweep.cpuPerFrame, 2),
      logview_scroll_cpu_ms_per_frame_wheel: round(wheel.cpuPerFrame, 2),
      logview_frame_ms_max: round(Math.max(...frames), 1),
      logview_frames_over_33ms: frames.filter((f) => f > 33.4).length,
      logview_dom_rows: wheel.domRows,
    };
  } finally {
    await browser?.close().catch(() => {});
    await srv?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const started = performance.now();
  try {
    const out = process.argv.find((a) => a.startsWith('--out='))?.slice(6);
    const figures = await runLogviewBench({ rendererRoot: out && path.resolve(out) });
    for (const [name, value] of Object.entries(figures)) console.log(`${name}: ${value}`);
    const result = {
      timestamp: new Date().toISOString(),
      seconds: round((performance.now() - started) / 1000, 1),
      environment: {
        node: process.version,
        platform: `${process.platform} ${os.release()}`,
        arch: process.arch,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        loadavg1: round(os.loadavg()[0], 2),
      },
      config: { lines: LINES, batch: BATCH, sweepFrames: SWEEP_FRAMES, wheelFrames: WHEEL_FRAMES, wheelPxPerFrame: WHEEL_PX_PER_FRAME },
      figures,
    };
    const dir = path.join(BENCH, 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'logview-latest.json');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2) + '\n');
    fs.renameSync(`${file}.tmp`, file);
  } catch (err) {
    process.stderr.write(`[bench] logview failed: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  }
}
