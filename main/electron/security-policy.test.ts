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
  RENDERER_PAGE_URL,
  rendererLocation,
  rendererUrl,
} from './security-policy';

const rendererDir = path.resolve('/opt/MCP Switchboard/resources/app.asar/out/renderer');
const appLoc = rendererLocation({ rendererDir, isPackaged: true, devServerUrl: 'http://localhost:5173' });
const page = 'app://renderer/index.html';

describe('rendererLocation', () => {
  it('ignores the dev server when packaged and accepts it on loopback otherwise', () => {
    expect(appLoc).toEqual({ kind: 'app', root: rendererDir });
    expect(rendererLocation({ rendererDir, isPackaged: false, devServerUrl: 'http://127.0.0.1:5173/x' })).toEqual({
      kind: 'dev-server',
      origin: 'http://127.0.0.1:5173',
    });
    expect(rendererLocation({ rendererDir, isPackaged: false })).toEqual(appLoc);
  });

  it('refuses a non-loopback dev server', () => {
    expect(() => rendererLocation({ rendererDir, isPackaged: false, devServerUrl: 'http://evil.example:5173' })).toThrow(/only http\(s\) on loopback/);
    expect(() => rendererLocation({ rendererDir, isPackaged: false, devServerUrl: 'file:///etc/passwd' })).toThrow(/Refusing/);
  });

  it("loads the app's own scheme (never a file: URL, whatever the folder is called) or the dev origin", () => {
    expect(rendererUrl(appLoc)).toBe(page);
    expect(RENDERER_PAGE_URL).toBe(page);
    expect(rendererUrl({ kind: 'dev-server', origin: 'http://localhost:5173' })).toBe('http://localhost:5173/');
  });
});

describe('isTrustedRendererUrl / navigationAllowed', () => {
  it('accepts our page with any hash or query only', () => {
    expect(isTrustedRendererUrl(page, appLoc)).toBe(true);
    expect(isTrustedRendererUrl(`${page}#/servers`, appLoc)).toBe(true);
    expect(isTrustedRendererUrl(`${page}?x=1`, appLoc)).toBe(true);
    expect(isTrustedRendererUrl('app://renderer/other.html', appLoc)).toBe(false);
    expect(isTrustedRendererUrl('app://renderer/assets/index.js', appLoc)).toBe(false);
    expect(isTrustedRendererUrl('app://other/index.html', appLoc)).toBe(false);
    expect(isTrustedRendererUrl('app://user:pw@renderer/index.html', appLoc)).toBe(false);
    expect(isTrustedRendererUrl('https://example.com/', appLoc)).toBe(false);
    expect(isTrustedRendererUrl('about:blank', appLoc)).toBe(false);
    expect(isTrustedRendererUrl('not a url', appLoc)).toBe(false);
    expect(isTrustedRendererUrl('', appLoc)).toBe(false);
    expect(isTrustedRendererUrl(undefined, appLoc)).toBe(false);
    expect(navigationAllowed('https://attacker.example/', appLoc)).toBe(false);
    expect(navigationAllowed(page, appLoc)).toBe(true);
  });

  it('no file: URL is ours any more, not even the built page itself', () => {
    // Before issue 12 the window loaded out/renderer/index.html from file://; a page that gets
    // itself loaded from there (or any other file) must not reach the contract.
    const asFile = pathToFileURL(path.join(rendererDir, 'index.html')).href;
    expect(isTrustedRendererUrl(asFile, appLoc)).toBe(false);
    expect(isTrustedSender({ url: asFile, parent: null }, appLoc)).toBe(false);
    expect(navigationAllowed('file:///etc/passwd', appLoc)).toBe(false);
    expect(isTrustedRendererUrl('file:///C:/Users/Ann%20Lee/repo/out/renderer/index.html', appLoc)).toBe(false);
  });

  it('compares origins for a dev server', () => {
    const dev = { kind: 'dev-server', origin: 'http://localhost:5173' } as const;
    expect(isTrustedRendererUrl('http://localhost:5173/anything', dev)).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isTrustedRendererUrl('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isTrustedRendererUrl(page, dev)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('requires our page in the top frame', () => {
    expect(isTrustedSender({ url: page, parent: null }, appLoc)).toBe(true);
    expect(isTrustedSender({ url: page, parent: {} }, appLoc)).toBe(false);
    expect(isTrustedSender({ url: 'https://example.com/', parent: null }, appLoc)).toBe(false);
    expect(isTrustedSender(null, appLoc)).toBe(false);
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
    expect(permissionAllowed('clipboard-sanitized-write', { requestingUrl: page, isMainFrame: true }, appLoc)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', { requestingUrl: `${page}#/logs` }, appLoc)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', { requestingUrl: page, isMainFrame: false }, appLoc)).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', { requestingUrl: 'https://evil.example/' }, appLoc)).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', {}, appLoc)).toBe(false);
    for (const p of ['clipboard-read', 'media', 'notifications', 'geolocation', 'openExternal', 'fileSystem', 'unknown']) {
      expect(permissionAllowed(p, { requestingUrl: page, isMainFrame: true }, appLoc)).toBe(false);
    }
  });
});
