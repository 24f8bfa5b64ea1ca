import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  devCsp,
  isTrustedRendererUrl,
  isTrustedSender,
  navigationAllowed,
  permissionAllowed,
  RENDERER_CSP,
  RENDERER_CSP_HEADER,
  rendererLocation,
  rendererUrl,
} from './security-policy';

const indexHtml = path.resolve('/opt/MCP Switchboard/resources/app.asar/out/renderer/index.html');
const fileLoc = rendererLocation({ indexHtml, isPackaged: true, devServerUrl: 'http://localhost:5173' });
const page = pathToFileURL(indexHtml).href;

describe('rendererLocation', () => {
  it('ignores the dev server when packaged and accepts it on loopback otherwise', () => {
    expect(fileLoc).toEqual({ kind: 'file', indexHtml });
    expect(rendererLocation({ indexHtml, isPackaged: false, devServerUrl: 'http://127.0.0.1:5173/x' })).toEqual({
      kind: 'dev-server',
      origin: 'http://127.0.0.1:5173',
    });
    expect(rendererLocation({ indexHtml, isPackaged: false })).toEqual(fileLoc);
  });

  it('refuses a non-loopback dev server', () => {
    expect(() => rendererLocation({ indexHtml, isPackaged: false, devServerUrl: 'http://evil.example:5173' })).toThrow(/only http\(s\) on loopback/);
    expect(() => rendererLocation({ indexHtml, isPackaged: false, devServerUrl: 'file:///etc/passwd' })).toThrow(/Refusing/);
  });

  it('loads the file URL (spaces encoded) or the dev origin', () => {
    expect(rendererUrl(fileLoc)).toBe(page);
    expect(rendererUrl(fileLoc)).toContain('MCP%20Switchboard');
    expect(rendererUrl({ kind: 'dev-server', origin: 'http://localhost:5173' })).toBe('http://localhost:5173/');
  });
});

describe('isTrustedRendererUrl / navigationAllowed', () => {
  it('accepts our page with any hash or query only', () => {
    expect(isTrustedRendererUrl(page, fileLoc)).toBe(true);
    expect(isTrustedRendererUrl(`${page}#/servers`, fileLoc)).toBe(true);
    expect(isTrustedRendererUrl(`${page}?x=1`, fileLoc)).toBe(true);
    expect(isTrustedRendererUrl(pathToFileURL(path.resolve('/tmp/index.html')).href, fileLoc)).toBe(false);
    expect(isTrustedRendererUrl(page.replace('index.html', 'other.html'), fileLoc)).toBe(false);
    expect(isTrustedRendererUrl('https://example.com/', fileLoc)).toBe(false);
    expect(isTrustedRendererUrl('about:blank', fileLoc)).toBe(false);
    expect(isTrustedRendererUrl('not a url', fileLoc)).toBe(false);
    expect(isTrustedRendererUrl('', fileLoc)).toBe(false);
    expect(isTrustedRendererUrl(undefined, fileLoc)).toBe(false);
    expect(navigationAllowed('https://attacker.example/', fileLoc)).toBe(false);
    expect(navigationAllowed(page, fileLoc)).toBe(true);
  });

  it("Windows: our page as Chromium reports it (drive letter upper-cased, other escapes) is ours; Node's form of another file is not", () => {
    // A checkout run from `c:\repo`: Node's URL keeps the lowercase drive letter.
    const win = rendererLocation({ indexHtml: 'c:\\Users\\Ann Lee\\repo\\out\\renderer\\index.html', isPackaged: false, platform: 'win32' });
    expect(rendererUrl(win)).toBe('file:///c:/Users/Ann%20Lee/repo/out/renderer/index.html');
    // What Chromium's url_canon_fileurl.cc makes of it, and of the same path with an escape Node does not use.
    expect(isTrustedRendererUrl('file:///C:/Users/Ann%20Lee/repo/out/renderer/index.html', win)).toBe(true);
    expect(isTrustedRendererUrl('file:///C:/Users/Ann%20Lee/repo/out/renderer/index.html#/logs', win)).toBe(true);
    expect(isTrustedRendererUrl('file:///C:/Users/Ann%20Lee/rep%6F/out/renderer/index.html', win)).toBe(true);
    expect(isTrustedSender({ url: 'file:///C:/Users/Ann%20Lee/repo/out/renderer/index.html', parent: null }, win)).toBe(true);
    expect(isTrustedRendererUrl('file:///C:/Users/Ann%20Lee/repo/out/renderer/other.html', win)).toBe(false);
    expect(isTrustedRendererUrl('file:///D:/Users/Ann%20Lee/repo/out/renderer/index.html', win)).toBe(false);
    expect(isTrustedRendererUrl('file://server/c$/Users/Ann%20Lee/repo/out/renderer/index.html', win)).toBe(false);
    expect(isTrustedRendererUrl('https://c/Users/Ann%20Lee/repo/out/renderer/index.html', win)).toBe(false);
    // On POSIX the case of a path is the file's: another case is another file.
    expect(isTrustedRendererUrl(page.replace('renderer', 'Renderer'), fileLoc)).toBe(false);
    expect(isTrustedRendererUrl(page.replace('MCP%20Switchboard', 'MCP Switchboard'), fileLoc)).toBe(true);
  });

  it('compares origins for a dev server', () => {
    const dev = { kind: 'dev-server', origin: 'http://localhost:5173' } as const;
    expect(isTrustedRendererUrl('http://localhost:5173/anything', dev)).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isTrustedRendererUrl('http://127.0.0.1:5173/', dev)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('requires our page in the top frame', () => {
    expect(isTrustedSender({ url: page, parent: null }, fileLoc)).toBe(true);
    expect(isTrustedSender({ url: page, parent: {} }, fileLoc)).toBe(false);
    expect(isTrustedSender({ url: 'https://example.com/', parent: null }, fileLoc)).toBe(false);
    expect(isTrustedSender(null, fileLoc)).toBe(false);
  });
});

describe('CSP', () => {
  it('allows no network and no inline script in the packaged renderer', () => {
    expect(RENDERER_CSP).toContain("default-src 'none'");
    expect(RENDERER_CSP).toContain("connect-src 'none'");
    expect(RENDERER_CSP).not.toContain('unsafe');
    expect(RENDERER_CSP).not.toContain('frame-ancestors');
    expect(RENDERER_CSP_HEADER).toContain("frame-ancestors 'none'");
    expect(devCsp('http://localhost:5173')).toContain('connect-src http://localhost:5173 ws://localhost:5173');
  });
});

describe('permissionAllowed', () => {
  it('allows only a clipboard write, only from our page in the top frame', () => {
    expect(permissionAllowed('clipboard-sanitized-write', { requestingUrl: page, isMainFrame: true }, fileLoc)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', { requestingUrl: `${page}#/logs` }, fileLoc)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', { requestingUrl: page, isMainFrame: false }, fileLoc)).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', { requestingUrl: 'https://evil.example/' }, fileLoc)).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', {}, fileLoc)).toBe(false);
    for (const p of ['clipboard-read', 'media', 'notifications', 'geolocation', 'openExternal', 'fileSystem', 'unknown']) {
      expect(permissionAllowed(p, { requestingUrl: page, isMainFrame: true }, fileLoc)).toBe(false);
    }
  });
});
