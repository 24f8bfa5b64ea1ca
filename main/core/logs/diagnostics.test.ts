// The diagnostics writer over a real temp dir.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings';
import { writeDiagnostics } from './diagnostics';
import { Redactor } from './redactor';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-diag-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('writeDiagnostics', () => {
  it('writes a 0600 JSON file under diagnostics/ and redacts secrets learned after the events were logged', () => {
    const redactor = new Redactor();
    // Logged before the value was known as a secret: only the second pass can catch it.
    const logs = { a: [{ ts: 1, level: 'info' as const, server: 'a', message: 'upstream echoed late-secret-987654 and Bearer abcdefghijklmnop' }] };
    redactor.add('late-secret-987654');
    const r = writeDiagnostics(
      dir,
      { app: { version: '9.9.9', dataDir: dir }, servers: [], settings: DEFAULT_SETTINGS, logs, now: Date.UTC(2026, 0, 2, 3, 4, 5) },
      redactor,
    );
    expect(path.dirname(r.file)).toBe(path.join(dir, 'diagnostics'));
    expect(path.basename(r.file)).toBe('diagnostics-2026-01-02T03-04-05-000Z.json');
    const text = fs.readFileSync(r.file, 'utf8');
    expect(r.bytes).toBe(Buffer.byteLength(text));
    expect(text).not.toContain('late-secret-987654');
    expect(text).not.toContain('abcdefghijklmnop');
    const bundle = JSON.parse(text);
    expect(bundle).toMatchObject({
      kind: 'mcp-switchboard-diagnostics',
      app: { version: '9.9.9', node: process.versions.node, platform: process.platform, arch: process.arch },
      settings: DEFAULT_SETTINGS,
    });
    expect(bundle.logs.a[0].message).toBe('upstream echoed [redacted] and Bearer [redacted]');
    if (process.platform !== 'win32') expect(fs.statSync(r.file).mode & 0o777).toBe(0o600);
    // A second export in the same millisecond gets its own file.
    const again = writeDiagnostics(
      dir,
      { app: { version: '9.9.9', dataDir: dir }, servers: [], settings: DEFAULT_SETTINGS, logs: {}, now: Date.UTC(2026, 0, 2, 3, 4, 5) },
      redactor,
    );
    expect(again.file).not.toBe(r.file);
  });
});
