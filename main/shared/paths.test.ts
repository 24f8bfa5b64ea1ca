import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dataDir, defaultDataDir, endpointFor, homeDir, MAX_SOCKET_PATH, resolvePaths, runDir, systemProbe, type RunDirProbe } from './paths';

describe('homeDir', () => {
  it('uses HOME, and USERPROFILE first on Windows', () => {
    expect(homeDir({ HOME: '/home/ann' }, 'linux')).toBe('/home/ann');
    expect(homeDir({ USERPROFILE: 'C:\\Users\\ann', HOME: '/x' }, 'win32')).toBe('C:\\Users\\ann');
    expect(homeDir({ HOME: '/x' }, 'win32')).toBe('/x');
    expect(homeDir({}, 'linux')).toBe(os.homedir());
  });
});

describe('dataDir', () => {
  it('macOS: ~/Library/Application Support/MCP Switchboard', () => {
    expect(dataDir({ HOME: '/Users/ann' }, 'darwin')).toBe('/Users/ann/Library/Application Support/MCP Switchboard');
  });

  it('Windows: %APPDATA%\\MCP Switchboard, else the roaming folder under the profile', () => {
    expect(dataDir({ APPDATA: 'C:\\Users\\ann\\AppData\\Roaming', USERPROFILE: 'C:\\Users\\ann' }, 'win32')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\MCP Switchboard',
    );
    expect(dataDir({ USERPROFILE: 'C:\\Users\\bob' }, 'win32')).toBe('C:\\Users\\bob\\AppData\\Roaming\\MCP Switchboard');
  });

  it('Linux: $XDG_CONFIG_HOME/mcp-switchboard, else ~/.config/mcp-switchboard', () => {
    expect(dataDir({ HOME: '/home/ann', XDG_CONFIG_HOME: '/home/ann/.cfg' }, 'linux')).toBe('/home/ann/.cfg/mcp-switchboard');
    expect(dataDir({ HOME: '/home/ann' }, 'linux')).toBe('/home/ann/.config/mcp-switchboard');
    expect(dataDir({ HOME: '/home/ann', XDG_CONFIG_HOME: '' }, 'linux')).toBe('/home/ann/.config/mcp-switchboard');
    expect(dataDir({ HOME: '/home/ann' }, 'freebsd')).toBe('/home/ann/.config/mcp-switchboard');
  });

  it('MCP_SWITCHBOARD_HOME wins on every platform and is made absolute', () => {
    for (const p of ['linux', 'darwin', 'win32'] as const) {
      expect(dataDir({ MCP_SWITCHBOARD_HOME: '/tmp/sb-home', HOME: '/home/ann', APPDATA: 'C:\\x' }, p)).toBe('/tmp/sb-home');
    }
    expect(dataDir({ MCP_SWITCHBOARD_HOME: 'rel/dir' }, 'linux')).toBe(path.resolve('rel/dir'));
  });
});

describe('defaultDataDir', () => {
  it('is where a process with only the home in its environment looks (an MCP client started from a desktop launcher)', () => {
    expect(defaultDataDir({ HOME: '/home/ann', MCP_SWITCHBOARD_HOME: '/tmp/x', XDG_CONFIG_HOME: '/home/ann/.cfg' }, 'linux')).toBe(
      '/home/ann/.config/mcp-switchboard',
    );
    expect(defaultDataDir({ HOME: '/Users/ann', MCP_SWITCHBOARD_HOME: '/tmp/x' }, 'darwin')).toBe('/Users/ann/Library/Application Support/MCP Switchboard');
    expect(defaultDataDir({ USERPROFILE: 'C:\\Users\\ann', APPDATA: 'D:\\Roaming' }, 'win32')).toBe('D:\\Roaming\\MCP Switchboard');
  });
});

describe('runDir', () => {
  /** A file system where only `privateDirs` exist (and are private) for uid 501. */
  const probe = (...privateDirs: string[]): RunDirProbe => ({ uid: 501, isPrivateDir: (d) => privateDirs.includes(d) });

  it('is <dataDir>/run when socket paths fit', () => {
    expect(runDir({ HOME: '/home/ann' }, 'linux', probe())).toBe('/home/ann/.config/mcp-switchboard/run');
    const withSock = path.join(runDir({ HOME: '/home/ann' }, 'linux', probe()), 'x'.repeat(32) + '.sock');
    expect(Buffer.byteLength(withSock)).toBeLessThanOrEqual(MAX_SOCKET_PATH);
  });

  it('stays in the data dir of a macOS user with a long short name (it used to move to /tmp from 8 characters on)', () => {
    const env = { HOME: '/Users/' + 'b'.repeat(20) };
    expect(runDir(env, 'darwin', probe())).toBe(`/Users/${'b'.repeat(20)}/Library/Application Support/MCP Switchboard/run`);
  });

  it('never falls back to a shared temp dir: the user runtime dir on Linux when it is private, else the home', () => {
    const home = '/home/ann';
    const env = { HOME: home, MCP_SWITCHBOARD_HOME: '/srv/' + 'a'.repeat(90), TMPDIR: '/var/tmp' };
    const tag = createHash('sha256').update(dataDir(env, 'linux')).digest('hex').slice(0, 10);
    expect(runDir(env, 'linux', probe('/run/user/501'))).toBe(`/run/user/501/mcp-switchboard-${tag}`);
    // No /run/user/501, or not private: the home (only the user can create in it).
    expect(runDir(env, 'linux', probe())).toBe(`${home}/.mcp-switchboard/run-${tag}`);
    // macOS has no /run/user; its per-user temp dir is named only in TMPDIR, which clients trim.
    const mac = { HOME: '/Users/' + 'b'.repeat(30), TMPDIR: '/var/folders/xx/very-long-random-path/T/' };
    const macTag = createHash('sha256').update(dataDir(mac, 'darwin')).digest('hex').slice(0, 10);
    expect(runDir(mac, 'darwin', probe('/run/user/501'))).toBe(`/Users/${'b'.repeat(30)}/.mcp-switchboard/run-${macTag}`);
    expect(Buffer.byteLength(path.join(runDir(mac, 'darwin', probe()), 'x'.repeat(13) + '.sock'))).toBeLessThanOrEqual(MAX_SOCKET_PATH);
    for (const dir of [runDir(env, 'linux', probe()), runDir(env, 'linux', probe('/run/user/501')), runDir(mac, 'darwin', probe())]) {
      expect(dir.startsWith('/tmp') || dir.startsWith('/var/tmp') || dir.startsWith('/var/folders')).toBe(false);
      expect(Buffer.byteLength(path.join(dir, 'x'.repeat(13) + '.sock'))).toBeLessThanOrEqual(MAX_SOCKET_PATH);
    }
  });

  it('counts bytes, not characters, of the data dir', () => {
    // 30 three-byte characters: 30 characters but 90 bytes.
    const env = { MCP_SWITCHBOARD_HOME: '/' + '日'.repeat(30), HOME: '/h' };
    expect(runDir(env, 'linux', probe())).toMatch(/^\/h\/\.mcp-switchboard\/run-[0-9a-f]{10}$/);
  });

  it('gives two long data dirs two different run dirs', () => {
    const a = runDir({ MCP_SWITCHBOARD_HOME: '/x/' + 'a'.repeat(90), HOME: '/h' }, 'linux', probe());
    const b = runDir({ MCP_SWITCHBOARD_HOME: '/x/' + 'b'.repeat(90), HOME: '/h' }, 'linux', probe());
    expect(a).not.toBe(b);
  });

  it('the system probe accepts only a private directory of this user', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-probe-'));
    try {
      expect(systemProbe.isPrivateDir(dir)).toBe(process.platform !== 'win32');
      fs.chmodSync(dir, 0o755);
      expect(systemProbe.isPrivateDir(dir)).toBe(false);
      expect(systemProbe.isPrivateDir(path.join(dir, 'missing'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('resolvePaths', () => {
  it('puts logs and the secret in the data dir', () => {
    expect(resolvePaths({ MCP_SWITCHBOARD_HOME: '/srv/sb' }, 'linux')).toEqual({
      dataDir: '/srv/sb',
      logsDir: '/srv/sb/logs',
      runDir: '/srv/sb/run',
      secretFile: '/srv/sb/connector.secret',
    });
  });
});

describe('endpointFor', () => {
  it('is <runDir>/<id>.sock on Unix', () => {
    const paths = resolvePaths({ MCP_SWITCHBOARD_HOME: '/srv/sb' }, 'linux');
    expect(endpointFor(paths, 'notion', 'linux')).toBe('/srv/sb/run/notion.sock');
    expect(endpointFor(paths, 'notion', 'darwin')).toBe('/srv/sb/run/notion.sock');
  });

  it('names the socket after a hash of the id when the id would make the path too long', () => {
    const paths = { dataDir: '/d', logsDir: '/d/logs', secretFile: '/d/s', runDir: '/' + 'r'.repeat(79) };
    const id = 'a-server-id-of-some-length';
    const hash = createHash('sha256').update(id).digest('hex').slice(0, 12);
    expect(endpointFor(paths, id, 'linux')).toBe(`${paths.runDir}/@${hash}.sock`);
    expect(Buffer.byteLength(endpointFor(paths, id, 'linux'))).toBeLessThanOrEqual(MAX_SOCKET_PATH);
    expect(endpointFor(paths, 'short', 'linux')).toBe(`${paths.runDir}/short.sock`);
    expect(endpointFor(paths, 'other-server-id-of-some-length', 'linux')).not.toBe(endpointFor(paths, id, 'linux'));
  });

  it('is a per-user named pipe on Windows, independent of the case of the data dir', () => {
    const paths = resolvePaths({ APPDATA: 'C:\\Users\\Ann\\AppData\\Roaming' }, 'win32');
    const pipe = endpointFor(paths, 'notion', 'win32');
    expect(pipe).toMatch(/^\\\\\.\\pipe\\mcp-switchboard-[0-9a-f]{12}-notion$/);
    const hash = createHash('sha256').update('c:\\users\\ann\\appdata\\roaming\\mcp switchboard').digest('hex').slice(0, 12);
    expect(pipe).toBe(`\\\\.\\pipe\\mcp-switchboard-${hash}-notion`);
    const upper = resolvePaths({ APPDATA: 'C:\\USERS\\ANN\\AppData\\Roaming' }, 'win32');
    expect(endpointFor(upper, 'notion', 'win32')).toBe(pipe);
    const other = resolvePaths({ APPDATA: 'C:\\Users\\Bob\\AppData\\Roaming' }, 'win32');
    expect(endpointFor(other, 'notion', 'win32')).not.toBe(pipe);
    expect(endpointFor(paths, 'linear', 'win32')).toBe(`\\\\.\\pipe\\mcp-switchboard-${hash}-linear`);
  });
});
