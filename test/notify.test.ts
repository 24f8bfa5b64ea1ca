/**
 * Notifications stay rare: a proxy that keeps crashing is reported once, not at every restart.
 * The proxy here is a real child that exits at once (a script written to a temp dir).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { makeTempHome, startCore, waitForState } from './fixtures/harness';

it('notifies once when a proxy enters a crash loop', async () => {
  const home = makeTempHome();
  const crashing = path.join(home.home, 'crash.js');
  fs.writeFileSync(crashing, "process.stderr.write('boom: missing module\\n'); process.exit(3);\n");
  const notes: Array<[string, string]> = [];
  const core = await startCore(home, {
    proxyScript: crashing,
    notifier: { notify: (title, body) => notes.push([title, body]) },
    supervisor: { backoffBaseMs: 10, backoffMaxMs: 20, crashLoopCount: 3, stopTimeoutMs: 500 },
  });
  try {
    const s = await core.addServer({ url: 'https://example.com/mcp', name: 'Crashy' });
    const st = await waitForState(core, s.id, 'error');
    expect(st.lastError).toMatch(/boom: missing module/);
    await new Promise((r) => setTimeout(r, 200));
    expect(notes).toHaveLength(1);
    expect(notes[0][0]).toBe('Crashy stopped');
    expect(notes[0][1]).toMatch(/kept crashing: .*boom: missing module.*press Restart/);
  } finally {
    await core.dispose();
    home.cleanup();
  }
});
