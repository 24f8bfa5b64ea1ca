#!/usr/bin/env node
// `npm run interop`: builds, runs the interop matrix (test/interop.test.ts: clients of each protocol
// era against servers of each era, through the real connector and proxy) and prints it as a
// Markdown table, one cell per client and server: checks passed / checks that apply (a check the
// server's era does not have, such as a multi-round-trip result on a 2025 server, does not count).
// Failed checks are listed under the table with their reason. Exits 1 when any check failed.
//
// Options: --no-build (use the out/ files as they are), --print (only print the last run's table).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const report = path.join(root, 'test-results', 'interop.json');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  return r.status === 0;
}

if (!argv.includes('--print')) {
  if (!argv.includes('--no-build') && !run(process.execPath, ['scripts/build.mjs'])) process.exit(1);
  fs.rmSync(report, { force: true });
  run(path.join(root, 'node_modules', '.bin', 'vitest'), ['run', 'test/interop.test.ts']);
}

if (!fs.existsSync(report)) {
  console.error('The interop run wrote no test-results/interop.json');
  process.exit(1);
}
const { clients, servers, cells } = JSON.parse(fs.readFileSync(report, 'utf8'));
const failures = [];
const rows = servers.map((s) => {
  const row = clients.map((c) => {
    const cell = cells[s.key]?.[c.key];
    if (!cell) return 'not run';
    const applies = Object.entries(cell).filter(([, o]) => o !== 'n/a');
    const passed = applies.filter(([, o]) => o === 'pass').length;
    for (const [check, o] of applies) if (o !== 'pass') failures.push(`${c.label} → ${s.label}: ${check}: ${o.fail}`);
    return `${passed}/${applies.length}`;
  });
  return `| ${s.label} | ${row.join(' | ')} |`;
});
console.log(`\n| server \\ client | ${clients.map((c) => c.label).join(' | ')} |`);
console.log(`|---|${clients.map(() => '---').join('|')}|`);
for (const r of rows) console.log(r);
if (failures.length) {
  console.log('\nFailed checks:');
  for (const f of failures) console.log(`- ${f}`);
}
const missing = servers.some((s) => clients.some((c) => !cells[s.key]?.[c.key]));
process.exit(failures.length || missing ? 1 : 0);
