#!/usr/bin/env node
// `npm run conformance`: the official MCP client conformance suite against the real product path
// (conformance/client-under-test.mjs → `mcp-switchboard connect` → proxy child → OAuth engine).
//
// Two lines of the suite run, each scenario in a fresh profile:
//   stable  @modelcontextprotocol/conformance 0.1.16: every client scenario (2025-11-25 era,
//           incl. the 2025-03-26 back-compat, draft and extension scenarios it ships);
//   next    conformance-next (0.2.0-alpha): every client scenario of the 2026-07-28 revision,
//           run at the 2026-07-28 wire (`--spec-version 2026-07-28`).
// Each scenario is a separate `conformance client --scenario …` run with the line's baseline
// (`--expected-failures conformance/baseline-<line>.yml`); the suite's own `--suite` mode starts
// every scenario at once, too many processes for a 2-core machine, so this script runs a few at a
// time instead (CONFORMANCE_JOBS, default 3).
//
// Prints one line per scenario (PASS / FAIL / XFAIL) and ends with
// `conformance: N passed, M failed`; writes test-results/conformance.json. Exits 1 on any
// unexpected failure, including a baseline entry that now passes (stale).
//
// Options: --line=stable|next, --only=<substring>, --verbose (print the failing runs' output).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const verbose = argv.includes('--verbose');
const JOBS = Math.max(1, Number(process.env.CONFORMANCE_JOBS ?? 3));
const NEXT_REVISION = '2026-07-28';

if (Number(process.versions.node.split('.')[0]) < 22) {
  console.error(`Node ${process.versions.node} is too old: run through npm (npm run conformance) so the pinned Node 22 is used.`);
  process.exit(1);
}

const LINES = [
  {
    name: 'stable',
    cli: path.join(root, 'node_modules/@modelcontextprotocol/conformance/dist/index.js'),
    listArgs: ['list'],
    runArgs: [],
  },
  {
    name: 'next',
    cli: path.join(root, 'node_modules/conformance-next/dist/index.js'),
    listArgs: ['list', '--client', '--spec-version', NEXT_REVISION],
    runArgs: ['--spec-version', NEXT_REVISION],
  },
].filter((l) => !opt('line') || l.name === opt('line'));

const clientUnderTest = path.join(root, 'conformance/client-under-test.mjs');
const cli = path.join(root, 'out/cli/index.js');
// The suite splits --command on single spaces: no argument may contain one.
const command = [process.execPath, clientUnderTest].map((p) => {
  if (/\s/.test(p)) throw new Error(`"${p}" contains whitespace, which the suite's --command cannot carry`);
  return p;
});
if (!fs.existsSync(cli)) {
  console.error(`${path.relative(root, cli)} is missing: build it first (node scripts/build.mjs --only=cli)`);
  process.exit(1);
}

const resultsDir = path.join(root, 'test-results');
const runsDir = path.join(resultsDir, 'conformance');
fs.rmSync(runsDir, { recursive: true, force: true });
fs.mkdirSync(runsDir, { recursive: true });

/** Client scenario names from `conformance list` (the "Client scenarios" section). */
function listScenarios(line) {
  const r = spawnSync(process.execPath, [line.cli, ...line.listArgs], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${line.name}: conformance list failed: ${r.stderr}`);
  const names = [];
  let inClient = false;
  for (const text of r.stdout.split('\n')) {
    if (/^Client scenarios/.test(text)) inClient = true;
    else if (/^\S/.test(text)) inClient = false;
    else if (inClient) {
      const m = text.match(/^\s+-\s+(\S+)/);
      if (m) names.push(m[1]);
    }
  }
  if (!names.length) throw new Error(`${line.name}: no client scenarios in:\n${r.stdout}`);
  return names;
}

/**
 * Baseline entries with their reasons: `- name  # reason`, or comment lines right above the
 * entry. (The suite reads the same file; this only collects the reasons for the report.)
 */
function readBaseline(file) {
  const entries = new Map();
  if (!fs.existsSync(file)) return entries;
  let inClient = false;
  let pending = [];
  for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
    const text = raw.trimEnd();
    if (/^client:\s*$/.test(text)) {
      inClient = true;
      pending = [];
      continue;
    }
    if (/^\S/.test(text) && !text.startsWith('#')) inClient = false;
    if (!inClient) continue;
    const comment = text.match(/^\s*#\s?(.*)$/);
    if (comment) {
      pending.push(comment[1].trim());
      continue;
    }
    const entry = text.match(/^\s*-\s*['"]?([^'"#\s]+)['"]?\s*(?:#\s*(.*))?$/);
    if (entry) {
      entries.set(entry[1], [...pending, entry[2] ?? ''].filter(Boolean).join(' '));
      pending = [];
    } else if (!text.trim()) pending = [];
  }
  return entries;
}

function runScenario(line, scenario, baselineFile) {
  const outDir = path.join(runsDir, line.name);
  const args = [line.cli, 'client', '--command', command.join(' '), '--scenario', scenario, '-o', outDir, ...line.runArgs];
  if (fs.existsSync(baselineFile)) args.push('--expected-failures', baselineFile);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const text = out.replace(/\x1b\[[0-9;]*m/g, '');
      const resultDir = text.match(/Results saved to (\S+)/)?.[1];
      let checks = [];
      try {
        checks = JSON.parse(fs.readFileSync(path.join(resultDir, 'checks.json'), 'utf8'));
      } catch {
        // no checks file: the run failed before writing one (counted below)
      }
      const skipped = /SKIPPED: scenario/.test(text);
      // The suite's verdict on the run: checks (FAILURE or WARNING), the client's exit code unless
      // the scenario allows client errors, and timeouts.
      const overall = /OVERALL: PASSED/.test(text) ? 'passed' : /OVERALL: FAILED/.test(text) ? 'failed' : undefined;
      const failures = checks
        .filter((c) => c.status === 'FAILURE' || c.status === 'WARNING')
        .map((c) => `${c.status} ${c.name}: ${c.errorMessage ?? c.description}`);
      if (/CLIENT TIMED OUT/.test(text)) failures.push('the client timed out');
      const exitError = text.match(/CLIENT EXITED WITH ERROR \(code (-?\d+)\)/);
      if (exitError) failures.push(`the client exited with code ${exitError[1]}`);
      resolve({ code, overall, skipped, failures, output: text, resultDir, durationMs: Date.now() - started });
    });
  });
}

async function pool(items, n, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

const started = Date.now();
const report = { passed: 0, failed: 0, expectedFailures: 0, scenarios: [] };
for (const line of LINES) {
  const baselineFile = path.join(root, 'conformance', `baseline-${line.name}.yml`);
  const baseline = readBaseline(baselineFile);
  let scenarios = listScenarios(line);
  if (opt('only')) scenarios = scenarios.filter((s) => s.includes(opt('only')));
  for (const name of baseline.keys()) {
    if (!scenarios.includes(name) && !opt('only')) console.log(`WARN ${line.name}: baseline entry ${name} is not a scenario of this line`);
  }
  const lineStarted = Date.now();
  console.log(
    `--- ${line.name}: ${path.relative(root, line.cli)} (${scenarios.length} client scenarios${line.runArgs.length ? ', ' + line.runArgs.join(' ') : ''}, ${JOBS} at a time)`,
  );
  await pool(scenarios, JOBS, async (scenario) => {
    const r = await runScenario(line, scenario, baselineFile);
    const inBaseline = baseline.has(scenario);
    const label = `${line.name} ${scenario}`;
    let status;
    let note = '';
    if (r.skipped) {
      status = 'fail';
      note = 'the suite skipped it';
    } else if (!r.overall) {
      status = 'fail';
      note = `the suite did not run it (exit ${r.code})`;
    } else if (r.overall === 'passed') {
      status = inBaseline ? 'fail' : 'pass';
      if (inBaseline) note = `passes but is listed in baseline-${line.name}.yml: remove the entry`;
    } else {
      status = inBaseline ? 'xfail' : 'fail';
      if (inBaseline) note = `in baseline: ${baseline.get(scenario) || 'no reason given'}`;
    }
    // The suite's own baseline verdict must agree (it ignores exit codes, this script does not).
    if (status !== 'fail' && r.code !== 0) {
      status = 'fail';
      note = `the suite's baseline check failed (exit ${r.code})`;
    }
    const secs = (r.durationMs / 1000).toFixed(1);
    if (status === 'pass') console.log(`PASS ${label} (${secs} s)`);
    else if (status === 'xfail') console.log(`XFAIL ${label} (${note})`);
    else {
      console.log(`FAIL ${label} (${secs} s)${note ? ': ' + note : ''}`);
      for (const f of r.failures.slice(0, 8)) console.log(`    ${f.split('\n')[0].slice(0, 300)}`);
      if (r.resultDir) console.log(`    details: ${path.relative(root, r.resultDir)}`);
      if (verbose) console.log(r.output.replace(/^/gm, '    | '));
    }
    if (status === 'pass') report.passed++;
    else if (status === 'xfail') report.expectedFailures++;
    else report.failed++;
    report.scenarios.push({
      line: line.name,
      scenario,
      status,
      ...(note ? { note } : {}),
      ...(r.failures.length ? { failures: r.failures } : {}),
      durationMs: r.durationMs,
    });
  });
  console.log(`--- ${line.name}: done in ${((Date.now() - lineStarted) / 1000).toFixed(1)} s`);
}

report.durationMs = Date.now() - started;
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(path.join(resultsDir, 'conformance.json'), JSON.stringify(report, null, 2) + '\n');
if (report.expectedFailures) console.log(`(${report.expectedFailures} expected failures, listed with reasons in conformance/baseline-*.yml)`);
console.log(`conformance: ${report.passed} passed, ${report.failed} failed`);
process.exit(report.failed ? 1 : 0);
