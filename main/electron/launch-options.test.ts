import { describe, expect, it } from 'vitest';
import { opensWindowOnStart, parseLaunchArgs, unpackedPath } from './launch-options';

describe('parseLaunchArgs', () => {
  it('finds --background anywhere in argv', () => {
    expect(parseLaunchArgs(['/opt/app/mcp-switchboard'])).toEqual({ background: false, url: undefined });
    expect(parseLaunchArgs(['/opt/app/mcp-switchboard', '--no-sandbox', '--background'])).toEqual({ background: true, url: undefined });
    expect(parseLaunchArgs(['electron', '.', '--backgrounds'])).toEqual({ background: false, url: undefined });
  });

  it('takes an mcp-switchboard:// link passed as an argument (after "--")', () => {
    const link = 'mcp-switchboard://oauth/callback?code=abc&state=xyz';
    expect(parseLaunchArgs(['C:\\app\\MCP Switchboard.exe', '--', link]).url).toBe(link);
    expect(parseLaunchArgs(['/opt/app/mcp-switchboard', 'https://evil.example/mcp-switchboard://x']).url).toBeUndefined();
  });
});

describe('parseLaunchArgs --data-dir', () => {
  it('takes the data directory a connector names (absolute only), never from after "--"', () => {
    expect(parseLaunchArgs(['/opt/app/mcp-switchboard', '--background', '--data-dir=/srv/sb data']).dataDir).toBe('/srv/sb data');
    expect(parseLaunchArgs(['/opt/app/mcp-switchboard', '--data-dir=relative/dir']).dataDir).toBeUndefined();
    expect(parseLaunchArgs(['C:\\app\\MCP Switchboard.exe', '--', '--data-dir=/tmp/evil']).dataDir).toBeUndefined();
    expect(parseLaunchArgs(['/opt/app/mcp-switchboard']).dataDir).toBeUndefined();
  });
});

describe('opensWindowOnStart', () => {
  it('opens the window on a normal start only', () => {
    expect(opensWindowOnStart(parseLaunchArgs(['/opt/app/mcp-switchboard']), { wasOpenedAtLogin: false })).toBe(true);
  });

  it('stays in the tray when started by a connector or a Windows/Linux login item (--background)', () => {
    // The exact argv the autostart entry / Run key produce (login-items.ts, autostart-linux.ts).
    expect(opensWindowOnStart(parseLaunchArgs(['/opt/MCP Switchboard/mcp-switchboard', '--background']), { wasOpenedAtLogin: false })).toBe(false);
    expect(opensWindowOnStart(parseLaunchArgs(['C:\\app\\MCP Switchboard.exe', '--background']), { wasOpenedAtLogin: false })).toBe(false);
    expect(opensWindowOnStart(parseLaunchArgs(['electron', '/repo', '--background']), { wasOpenedAtLogin: false })).toBe(false);
  });

  it('stays in the tray when the macOS login item started it (no arguments there)', () => {
    expect(opensWindowOnStart(parseLaunchArgs(['/Applications/MCP Switchboard.app/Contents/MacOS/MCP Switchboard']), { wasOpenedAtLogin: true })).toBe(false);
  });

  it('opens it anyway when a link or a second launch asked for it before the app was ready', () => {
    expect(opensWindowOnStart(parseLaunchArgs(['x', '--background']), { wasOpenedAtLogin: false, requested: true })).toBe(true);
    expect(opensWindowOnStart(parseLaunchArgs(['x']), { wasOpenedAtLogin: true, requested: true })).toBe(true);
  });
});

describe('unpackedPath', () => {
  it('maps files inside app.asar to app.asar.unpacked on every platform', () => {
    expect(unpackedPath('/opt/MCP Switchboard/resources/app.asar/out/proxy/index.js')).toBe(
      '/opt/MCP Switchboard/resources/app.asar.unpacked/out/proxy/index.js',
    );
    expect(unpackedPath('C:\\Users\\me\\AppData\\Local\\Programs\\mcp-switchboard\\resources\\app.asar\\out\\proxy\\index.js')).toBe(
      'C:\\Users\\me\\AppData\\Local\\Programs\\mcp-switchboard\\resources\\app.asar.unpacked\\out\\proxy\\index.js',
    );
  });

  it('leaves unpackaged and already unpacked paths alone', () => {
    expect(unpackedPath('/home/me/switchboard/out/proxy/index.js')).toBe('/home/me/switchboard/out/proxy/index.js');
    expect(unpackedPath('/r/app.asar.unpacked/out/proxy/index.js')).toBe('/r/app.asar.unpacked/out/proxy/index.js');
    expect(unpackedPath('/r/my-app.asarx/index.js')).toBe('/r/my-app.asarx/index.js');
  });
});
