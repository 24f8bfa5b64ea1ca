#!/usr/bin/env node
// `npm run faults`: counts what happens to calls under each fault of the misbehaving fixture,
// through MCP Switchboard and through mcp-remote, in one run (see bench/faults.ts). It bundles
// bench/faults.ts with esbuild into a temp dir and runs it under this Node.
//   npm run faults            (builds the node entries first)
//   node bench/faults.mjs     (uses the existing out/)
// FAULTS_WAIT_MS: how long a call may take before it counts as hung (default 45000).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-faults-bundle-'));
try {
  const outfile = await bundleForNode(ROOT, path.join(ROOT, 'bench/faults.ts'), path.join(tmp, 'faults.js'));
  const r = spawnSync(process.execPath, [outfile], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, FAULTS_ROOT: ROOT } });
  process.exitCode = r.status ?? 1;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
