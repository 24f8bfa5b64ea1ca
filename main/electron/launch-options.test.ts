import { describe, expect, it } from 'vitest';
import { parseLaunchArgs, unpackedPath } from './launch-options';

describe('parseLaunchArgs', () => {
  it('finds --background anywhere in argv', () => {
    expect(parseLaunchArgs(['/opt/app/mcp-switchboard'])).toEqual({ background: false });
    expect(parseLaunchArgs(['/opt/app/mcp-switchboard', '--no-sandbox', '--background'])).toEqual({ background: true });
    expect(parseLaunchArgs(['electron', '.', '--backgrounds'])).toEqual({ background: false });
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
