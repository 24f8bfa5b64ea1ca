/**
 * Notifications stay rare: a proxy that keeps crashing is reported once, not at every restart.
 * The proxy here is a real child that exits at once (a script written to a temp dir); the host's
 * clock is a FakeClock, so each restart happens when the test moves time, and "nothing more
 * happens later" is checked by moving time, not by waiting.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { FakeClock } from '../main/core/testing/fake-clock';
import { makeTempHome, startCore, waitForState } from './fixtures/harness';

it('notifies once when a proxy enters a crash loop', async () => {
  const home = makeTempHome();
  const crashing = path.join(home.home, 'crash.js');
  fs.writeFileSync(crashing, "process.stderr.write('boom: missing module\\n'); process.exit(3);\n");
  const notes: Array<[string, string]> = [];
  const clock = new FakeClock();
  const core = await startCore(home, {
    clock,
    proxyScript: crashing,
    notifier: { notify: (title, body) => notes.push([title, body]) },
    supervisor: { backoffBaseMs: 10, backoffMaxMs: 20, crashLoopCount: 3, stopTimeoutMs: 500 },
  });
  try {
    const s = await core.addServer({ url: 'https://example.com/mcp', name: 'Crashy' });
    // Each crash: no notification yet; the restart runs when its backoff has passed on the clock.
    let st = await waitForState(core, s.id, ['retrying', 'error']);
    while (st.state === 'retrying') {
      expect(notes).toEqual([]);
      expect(clock.pending()).toContain(st.nextRetryAt);
      clock.advanceTo(st.nextRetryAt!);
      st = await waitForState(core, s.id, ['retrying', 'error']);
    }
    expect(st.lastError).toMatch(/boom: missing module/);
    expect(st.restarts).toBe(2);
    // Later: the crash loop stopped the restarts, so however much time passes nothing new happens.
    clock.advance(24 * 3600_000);
    expect(core.listServers().find((x) => x.id === s.id)!.status.state).toBe('error');
    expect(notes).toHaveLength(1);
    expect(notes[0][0]).toBe('Crashy stopped');
    expect(notes[0][1]).toMatch(/kept crashing: .*boom: missing module.*press Restart/);
  } finally {
    await core.dispose();
    home.cleanup();
  }
});
