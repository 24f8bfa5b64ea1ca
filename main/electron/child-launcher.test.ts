// Real child processes: ElectronChildLauncher runs the test's own Node as the runtime, exactly as
// Electron runs its own binary with ELECTRON_RUN_AS_NODE=1 in the app.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ElectronChildLauncher, electronChildSpec } from './child-launcher';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-launcher-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const script = path.join(dir, 'child.js');
fs.writeFileSync(
  script,
  `process.stdout.write('out-line\\n');
   process.stderr.write('err-line\\n');
   process.on('message', (m) => {
     if (m.type === 'env') process.send({ type: 'env', env: {
       RUN_AS_NODE: process.env.ELECTRON_RUN_AS_NODE, EXTRA: process.env.SB_EXTRA,
       NODE_OPTIONS: process.env.NODE_OPTIONS ?? null, BASE: process.env.SB_BASE, TOKEN: process.env.MY_API_TOKEN ?? null } });
     if (m.type === 'shutdown') process.exit(0);
   });
   process.on('disconnect', () => process.exit(0));`,
);

describe('ElectronChildLauncher', () => {
  it('forks the script with an IPC channel, piped output and a scrubbed env copy', async () => {
    const base = { ...process.env, SB_BASE: 'base', NODE_OPTIONS: '--inspect', MY_API_TOKEN: 'hunter2' };
    const launcher = new ElectronChildLauncher({ execPath: process.execPath, env: base });
    const child = launcher.launch({ script, name: 'test', env: { SB_EXTRA: 'extra' } });
    expect(child.connected).toBe(true);

    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const reply = new Promise<any>((resolve) => child.once('message', resolve));
    child.send({ type: 'env' });
    expect((await reply).env).toEqual({ RUN_AS_NODE: '1', EXTRA: 'extra', NODE_OPTIONS: null, BASE: 'base', TOKEN: null });

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.send({ type: 'shutdown' });
    expect(await exited).toBe(0);
    expect(stdout).toBe('out-line\n');
    expect(stderr).toBe('err-line\n');
    // The base env object was copied, not mutated.
    expect(base.NODE_OPTIONS).toBe('--inspect');
    expect('ELECTRON_RUN_AS_NODE' in base).toBe(process.env.ELECTRON_RUN_AS_NODE !== undefined);
  });

  it('never lets spec env turn ELECTRON_RUN_AS_NODE off', () => {
    const spec = { script, name: 'x', env: { A: '2', ELECTRON_RUN_AS_NODE: '0' } };
    expect(electronChildSpec(spec)).toEqual({ script, name: 'x', env: { A: '2', ELECTRON_RUN_AS_NODE: '1' } });
    expect(spec.env.ELECTRON_RUN_AS_NODE).toBe('0');
  });
});
