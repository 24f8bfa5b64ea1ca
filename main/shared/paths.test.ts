import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dataDir, defaultDataDir, endpointFor, homeDir, MAX_SOCKET_PATH, resolvePaths, runDir } from './paths';

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
  it('is <dataDir>/run when socket paths fit', () => {
    expect(runDir({ HOME: '/home/ann' }, 'linux')).toBe('/home/ann/.config/mcp-switchboard/run');
    const withSock = path.join(runDir({ HOME: '/home/ann' }, 'linux'), 'x'.repeat(32) + '.sock');
    expect(Buffer.byteLength(withSock)).toBeLessThanOrEqual(MAX_SOCKET_PATH);
  });

  it('falls back to a short per-user path under the temp dir when the data dir is long', () => {
    const home = '/home/' + 'a'.repeat(80);
    const env = { HOME: home, TMPDIR: '/var/tmp' };
    const data = dataDir(env, 'linux');
    const tag = createHash('sha256').update(data).digest('hex').slice(0, 10);
    const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
    const dir = runDir(env, 'linux');
    expect(dir).toBe(`/var/tmp/mcpsb-${uid}-${tag}`);
    expect(Buffer.byteLength(path.join(dir, 'x'.repeat(32) + '.sock'))).toBeLessThanOrEqual(MAX_SOCKET_PATH);
  });

  it('counts bytes, not characters, of the data dir', () => {
    // 30 three-byte characters: 30 characters but 90 bytes.
    const env = { MCP_SWITCHBOARD_HOME: '/' + '日'.repeat(30), TMPDIR: '/t' };
    expect(runDir(env, 'linux')).toMatch(/^\/t\/mcpsb-\d+-[0-9a-f]{10}$/);
  });

  it('uses /tmp on macOS whatever TMPDIR says (its TMPDIR is long)', () => {
    const env = { HOME: '/Users/' + 'b'.repeat(60), TMPDIR: '/var/folders/xx/very-long-random-path/T/' };
    expect(runDir(env, 'darwin')).toMatch(/^\/tmp\/mcpsb-\d+-[0-9a-f]{10}$/);
  });

  it('gives two long data dirs two different run dirs', () => {
    const a = runDir({ MCP_SWITCHBOARD_HOME: '/x/' + 'a'.repeat(90), TMPDIR: '/t' }, 'linux');
    const b = runDir({ MCP_SWITCHBOARD_HOME: '/x/' + 'b'.repeat(90), TMPDIR: '/t' }, 'linux');
    expect(a).not.toBe(b);
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
