#!/usr/bin/env node
// `npm test`: type-check, lint, build, unit + integration tests (vitest), browser e2e (Playwright with
// the system Chromium). Prints one closing line `N passed, M failed[, K skipped]` over every runner.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, 'test-results');
fs.mkdirSync(results, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

let passed = 0;
let failed = 0;
let skipped = 0;

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label}: ${[path.basename(cmd), ...args].join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`=== ${label}: exit ${r.status ?? r.signal} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return r.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

if (process.versions.node.split('.')[0] < 22) {
  console.error(`Node ${process.versions.node} is too old: run through npm (npm test) so the pinned Node 22 from node_modules is used.`);
  process.exit(1);
}

// 1. Types: all three projects against the real electron.d.ts.
if (run('typecheck', bin('tsc'), ['-b'])) passed++;
else failed++;

// 2. Lint: the import rules between layers (eslint.config.mjs) and the formatting (Prettier).
if (run('lint', bin('eslint'), ['.']) && run('format', bin('prettier'), ['--check', '.', '--log-level', 'warn'])) passed++;
else failed++;

// 3. Build everything the tests run (node entries + renderer).
if (!run('build', process.execPath, ['scripts/build.mjs'])) {
  failed++;
  finish();
}

// 4. Unit + integration tests.
for (const f of ['vitest.json', 'playwright.json']) fs.rmSync(path.join(results, f), { force: true });
run('vitest', bin('vitest'), ['run']);
const v = readJson(path.join(results, 'vitest.json'));
if (v) {
  passed += v.numPassedTests ?? 0;
  failed += (v.numFailedTests ?? 0) + (v.numFailedTestSuites && !v.numFailedTests ? v.numFailedTestSuites : 0);
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
} else {
  console.error('vitest wrote no report');
  failed++;
}

// 5. The official MCP conformance suite against the product path (connect + proxy + OAuth engine).
if (fs.existsSync(path.join(root, 'scripts', 'conformance.mjs'))) {
  fs.rmSync(path.join(results, 'conformance.json'), { force: true });
  run('conformance', process.execPath, ['scripts/conformance.mjs']);
  const c = readJson(path.join(results, 'conformance.json'));
  if (c && typeof c.passed === 'number') {
    passed += c.passed;
    failed += c.failed ?? 0;
  } else {
    console.error('the conformance run wrote no report');
    failed++;
  }
}

// 6. Browser e2e and the Electron smoke test (which skips with a message without a binary).
const chromium = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE || '/usr/bin/chromium';
if (!fs.existsSync(chromium)) {
  console.error(`No Chromium at ${chromium}: install it (apt-get install chromium) or set PLAYWRIGHT_CHROMIUM_EXECUTABLE.`);
  failed++;
} else {
  run('playwright', bin('playwright'), ['test']);
  const p = readJson(path.join(results, 'playwright.json'));
  if (p?.stats) {
    passed += (p.stats.expected ?? 0) + (p.stats.flaky ?? 0);
    failed += p.stats.unexpected ?? 0;
    skipped += p.stats.skipped ?? 0;
  } else {
    console.error('playwright wrote no report');
    failed++;
  }
}

finish();

function finish() {
  const line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  fs.writeFileSync(path.join(results, 'summary.txt'), line + '\n');
  console.log(`\n${line}`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}
