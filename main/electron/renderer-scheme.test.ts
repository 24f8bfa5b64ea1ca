/**
 * The app:// handler as a pure function over real files in a temp dir (and the real build in
 * out/renderer): only files under the renderer folder, no path traversal however it is encoded,
 * the right content types, the CSP (frame-ancestors included) as a header on every answer.
 * Electron's own part (protocol.handle, registerSchemesAsPrivileged) is in main/index.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_CSP_HEADER } from '../../common/renderer-csp';
import { contentTypeFor, RENDERER_SCHEME_PRIVILEGES, resolveRendererRequest, serveRendererRequest } from './renderer-scheme';

let dir: string;
let root: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-scheme-'));
  root = path.join(dir, 'out', 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>ok</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index-1.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'assets', 'index-1.css'), 'body{}');
  fs.writeFileSync(path.join(root, 'assets', 'icon.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  fs.writeFileSync(path.join(root, 'assets', '.hidden'), 'no');
  // What a traversal would be after: beside the renderer folder, and the user's files.
  fs.writeFileSync(path.join(dir, 'out', 'secret.txt'), 'SECRET-BESIDE');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'SECRET-ABOVE');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => serveRendererRequest({ url, method }, root);

describe('app://renderer/ (renderer-scheme.ts)', () => {
  it('serves the page and its assets with their content types and the CSP header', async () => {
    const page = await get('app://renderer/index.html');
    expect(page.status).toBe(200);
    expect(page.body!.toString()).toBe('<!doctype html><title>ok</title>');
    expect(page.headers).toEqual({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': RENDERER_CSP_HEADER,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    });
    expect(page.headers['Content-Security-Policy']).toMatch(/frame-ancestors 'none'$/);
    expect((await get('app://renderer/')).body!.toString()).toContain('<title>ok</title>');
    expect((await get('app://renderer/index.html#/logs')).status).toBe(200);
    expect((await get('app://renderer/index.html?x=1')).status).toBe(200);
    expect((await get('app://renderer/assets/index-1.js')).headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect((await get('app://renderer/assets/index-1.css')).headers['Content-Type']).toBe('text/css; charset=utf-8');
    expect((await get('app://renderer/assets/icon.png')).headers['Content-Type']).toBe('image/png');
    const head = await get('app://renderer/index.html', 'HEAD');
    expect(head).toMatchObject({ status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
    expect(head.body).toBeUndefined();
  });

  it('names content types by extension; anything unknown is octet-stream (with nosniff)', () => {
    expect(contentTypeFor('a.SVG')).toBe('image/svg+xml');
    expect(contentTypeFor('a.woff2')).toBe('font/woff2');
    expect(contentTypeFor('a.mjs')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.json')).toBe('application/json; charset=utf-8');
    expect(contentTypeFor('a.exe')).toBe('application/octet-stream');
    expect(contentTypeFor('noext')).toBe('application/octet-stream');
  });

  it('refuses every way out of the renderer folder, however it is written', async () => {
    const attempts = [
      'app://renderer/../secret.txt',
      'app://renderer/../../secret.txt',
      'app://renderer/%2e%2e/secret.txt',
      'app://renderer/%2E%2E/%2E%2E/secret.txt',
      'app://renderer/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://renderer/..%2fsecret.txt',
      'app://renderer/..%5csecret.txt',
      'app://renderer/..\\secret.txt',
      'app://renderer/assets/..\\..\\secret.txt',
      'app://renderer/%2fetc%2fpasswd',
      'app://renderer//etc/passwd',
      'app://renderer/index.html%00.png',
      'app://renderer/C:%5cWindows%5cwin.ini',
      `app://renderer/${encodeURIComponent(path.join(dir, 'secret.txt'))}`,
      'app://renderer/%E0%A4%A',
    ];
    for (const url of attempts) {
      const r = await get(url);
      expect([400, 404], url).toContain(r.status);
      expect(r.body, url).toBeUndefined();
      expect(r.headers['Content-Security-Policy'], url).toBe(RENDERER_CSP_HEADER);
    }
  });

  it('serves only files of app://renderer/, only to GET and HEAD', async () => {
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('app://user:pw@renderer/index.html')).status).toBe(404);
    expect((await get(`file://${path.join(root, 'index.html')}`)).status).toBe(404);
    expect((await get('https://renderer/index.html')).status).toBe(404);
    expect((await get('app://renderer/index.html', 'POST')).status).toBe(405);
    expect((await get('app://renderer/index.html', 'PUT')).status).toBe(405);
    // A folder, a missing file, a hidden file: nothing.
    expect((await get('app://renderer/assets')).status).toBe(404);
    expect((await get('app://renderer/assets/')).status).toBe(404);
    expect((await get('app://renderer/missing.js')).status).toBe(404);
    expect((await get('app://renderer/assets/.hidden')).status).toBe(404);
    expect((await get('not a url')).status).toBe(400);
  });

  it('resolves a request to a file under the root, or says why not', () => {
    expect(resolveRendererRequest('app://renderer/assets/index-1.js', 'GET', root)).toEqual({ ok: true, file: path.join(root, 'assets', 'index-1.js') });
    expect(resolveRendererRequest('app://renderer/', 'GET', root)).toEqual({ ok: true, file: path.join(root, 'index.html') });
    // The URL parser takes %2e%2e for "..", at the top: it stays in the root (where no such file is).
    expect(resolveRendererRequest('app://renderer/%2e%2e/secret.txt', 'GET', root)).toEqual({ ok: true, file: path.join(root, 'secret.txt') });
    // What only decoding brings back is refused outright.
    expect(resolveRendererRequest('app://renderer/..%2fsecret.txt', 'GET', root)).toEqual({ ok: false, status: 404 });
    expect(resolveRendererRequest('app://renderer/x', 'DELETE', root)).toEqual({ ok: false, status: 405 });
  });

  it('the built page (out/renderer) loads every script, style and icon it names from its own origin', async () => {
    // Built by the global setup (test/global-setup.ts).
    const built = path.resolve(__dirname, '..', '..', 'out', 'renderer');
    const html = fs.readFileSync(path.join(built, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      // Relative to the page, as Chromium resolves them: the same origin, app://renderer.
      const url = new URL(ref, 'app://renderer/index.html').href;
      expect(url.startsWith('app://renderer/'), ref).toBe(true);
      const r = await serveRendererRequest({ url, method: 'GET' }, built);
      expect(r.status, url).toBe(200);
      expect(r.headers['Content-Type'], url).toBe(contentTypeFor(url));
    }
    expect(refs.some((r) => r.endsWith('.js'))).toBe(true);
  });

  it('registers as a standard, secure scheme that does not bypass the CSP', () => {
    expect(RENDERER_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true });
    expect(RENDERER_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP');
    expect(RENDERER_SCHEME_PRIVILEGES).not.toHaveProperty('allowServiceWorkers');
  });
});
