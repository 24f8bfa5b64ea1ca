// What the app says when it cannot start, with real files in a temp data directory; and the
// AppImage's copy of the connector.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePaths } from '../shared/paths';
import type { Paths } from '../core/ports';
import { installConnectorCopy } from './appimage-connector';
import { appendMainLog, startupFailure, STARTUP_FAILED_TITLE } from './startup-failure';

let paths: Paths;
beforeEach(() => {
  paths = resolvePaths({ MCP_SWITCHBOARD_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'sb-startfail-')) });
});
afterEach(() => fs.rmSync(paths.dataDir, { recursive: true, force: true }));

describe('startupFailure', () => {
  it('a settings.json that is not JSON: moved aside whole, and the message says where and how to get it back', () => {
    const file = path.join(paths.dataDir, 'settings.json');
    fs.writeFileSync(file, '{"servers": [');
    const f = startupFailure(new SyntaxError(`The config file \`${file}\` is not valid JSON.`), paths, new Date('2026-12-01T00:00:00Z'));
    const aside = path.join(paths.dataDir, 'settings.unreadable-2026-12-01T00-00-00-000Z.json');
    expect(f.title).toBe(STARTUP_FAILED_TITLE);
    expect(f.body).toContain(`${file} could not be read: it is not valid JSON.`);
    expect(f.body).toContain(`It was moved to ${aside}, whole: nothing in it was deleted.`);
    expect(fs.readFileSync(aside, 'utf8')).toBe('{"servers": [');
  });

  it('a folder it may not write: names the folder and the problem, and what to do', () => {
    const err = Object.assign(new Error(`EACCES: permission denied, mkdir '/srv/locked/logs'`), { code: 'EACCES', path: '/srv/locked/logs' });
    const f = startupFailure(err, paths);
    expect(f.body).toMatch(
      /^MCP Switchboard cannot use \/srv\/locked\/logs: permission denied \(EACCES\)\. Make it readable and writable by you, or set MCP_SWITCHBOARD_HOME/,
    );
    expect(f.body).toContain(`Data directory: ${paths.dataDir}`);
    expect(startupFailure(err, undefined).body).not.toContain('Data directory');
  });

  it('anything else: the message and the data directory', () => {
    expect(startupFailure(new Error('Another MCP Switchboard host is running'), paths).body).toBe(
      `Another MCP Switchboard host is running\n\nData directory: ${paths.dataDir}`,
    );
  });

  it('main.log is appended, 0600, and a log that cannot be written is no reason to fail', () => {
    appendMainLog(paths.logsDir, 'first');
    appendMainLog(paths.logsDir, 'second');
    const log = path.join(paths.logsDir, 'main.log');
    expect(fs.readFileSync(log, 'utf8')).toMatch(/^\S+ first\n\S+ second\n$/);
    if (process.platform !== 'win32') expect(fs.statSync(log).mode & 0o777).toBe(0o600);
    fs.writeFileSync(path.join(paths.dataDir, 'file'), '');
    expect(() => appendMainLog(path.join(paths.dataDir, 'file', 'logs'), 'x')).not.toThrow();
  });
});

describe('installConnectorCopy', () => {
  it('copies the connector when it differs, and only then', () => {
    const from = path.join(paths.dataDir, 'mount', 'index.js');
    fs.mkdirSync(path.dirname(from));
    fs.writeFileSync(from, 'console.log(1)');
    const to = path.join(paths.dataDir, 'connector', 'index.js');
    expect(installConnectorCopy(from, to)).toBe(true);
    expect(fs.readFileSync(to, 'utf8')).toBe('console.log(1)');
    expect(installConnectorCopy(from, to)).toBe(false);
    fs.writeFileSync(from, 'console.log(2)');
    expect(installConnectorCopy(from, to)).toBe(true);
    expect(fs.readFileSync(to, 'utf8')).toBe('console.log(2)');
    expect(fs.readdirSync(path.dirname(to))).toEqual(['index.js']);
  });
});
