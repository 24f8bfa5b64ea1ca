import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertSafeBrowserUrl, CommandBrowserOpener, parseBrowserCommand, SystemBrowserOpener, UnsafeUrlError } from './browser-opener';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A real program that records the arguments it was started with. */
function recorder(exitCode = 0): { dir: string; script: string; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-opener-'));
  dirs.push(dir);
  const out = path.join(dir, 'argv.json');
  const script = path.join(dir, 'record.cjs');
  fs.writeFileSync(script, `require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2))); process.exit(${exitCode});\n`);
  return { dir, script, out };
}

describe('assertSafeBrowserUrl', () => {
  it.each([
    'https://auth.example.com/authorize?x=1',
    'http://127.0.0.1:8080/authorize',
    'http://localhost/authorize',
    'http://[::1]:9/a',
    'http://127.1.2.3/a',
  ])('accepts %s', (url) => {
    expect(assertSafeBrowserUrl(url).href).toBe(new URL(url).href);
  });

  it.each([
    ['javascript:alert(1)', /"javascript" scheme/],
    ['data:text/html,<script>alert(1)</script>', /"data" scheme/],
    ['file:///etc/passwd', /"file" scheme/],
    ['vbscript:msgbox', /"vbscript" scheme/],
    ['mcp-switchboard://oauth/callback', /"mcp-switchboard" scheme/],
    ['http://auth.example.com/authorize', /plain-http sign-in address on auth.example.com/],
    ['http://127.0.0.1.evil.com/authorize', /plain-http/],
    ['https://user:pass@auth.example.com/', /user name or password/],
    ['not a url', /not a valid URL/],
  ])('rejects %s', (url, reason) => {
    expect(() => assertSafeBrowserUrl(url)).toThrow(UnsafeUrlError);
    expect(() => assertSafeBrowserUrl(url)).toThrow(reason);
  });
});

describe('parseBrowserCommand', () => {
  it('takes a JSON array as argv and anything else as one executable path', () => {
    expect(parseBrowserCommand('["node", "/x/open.js", "--flag"]')).toEqual(['node', '/x/open.js', '--flag']);
    expect(parseBrowserCommand('/Applications/My Browser.app/open')).toEqual(['/Applications/My Browser.app/open']);
    expect(parseBrowserCommand('  /usr/bin/firefox ')).toEqual(['/usr/bin/firefox']);
  });

  it('rejects empty and malformed commands with a clear error', () => {
    expect(() => parseBrowserCommand('')).toThrow(/empty/);
    expect(() => parseBrowserCommand('[nope')).toThrow(/not a JSON array/);
    expect(() => parseBrowserCommand('[]')).toThrow(/non-empty JSON array of strings/);
    expect(() => parseBrowserCommand('["node", 3]')).toThrow(/non-empty JSON array of strings/);
  });
});

describe('CommandBrowserOpener', () => {
  it('passes the URL as the last argument, verbatim, without a shell', async () => {
    const r = recorder();
    const marker = path.join(r.dir, 'pwned');
    const url = `https://auth.example.com/authorize?a=1&b=$(touch ${marker})&c=\`touch ${marker}\`;touch ${marker}|x`;
    await new CommandBrowserOpener(JSON.stringify([process.execPath, r.script, '--new-tab'])).open(url);
    expect(JSON.parse(fs.readFileSync(r.out, 'utf8'))).toEqual(['--new-tab', new URL(url).href]);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('refuses an unsafe URL without starting anything', async () => {
    const r = recorder();
    await expect(new CommandBrowserOpener([process.execPath, r.script]).open('file:///etc/passwd')).rejects.toThrow(UnsafeUrlError);
    expect(fs.existsSync(r.out)).toBe(false);
  });

  it('reports a command that fails or does not exist', async () => {
    const r = recorder(3);
    await expect(new CommandBrowserOpener([process.execPath, r.script]).open('https://a.example/')).rejects.toThrow(/exited with code 3/);
    await expect(new CommandBrowserOpener(path.join(r.dir, 'no-such-browser')).open('https://a.example/')).rejects.toThrow(/was not found/);
  });
});

describe('SystemBrowserOpener', () => {
  it('uses the platform opener', () => {
    expect(new SystemBrowserOpener('darwin').command()).toEqual(['open']);
    expect(new SystemBrowserOpener('linux').command()).toEqual(['xdg-open']);
    expect(new SystemBrowserOpener('win32').command()).toEqual(['rundll32', 'url.dll,FileProtocolHandler']);
  });

  it.skipIf(process.platform === 'win32')('runs it from PATH with the URL as its only argument', async () => {
    const r = recorder();
    const name = process.platform === 'darwin' ? 'open' : 'xdg-open';
    const bin = path.join(r.dir, name);
    fs.writeFileSync(bin, `#!${process.execPath}\nrequire(${JSON.stringify(r.script)});\n`, { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${r.dir}${path.delimiter}${saved}`;
    try {
      await new SystemBrowserOpener().open('https://auth.example.com/authorize?state=a b');
    } finally {
      process.env.PATH = saved;
    }
    expect(JSON.parse(fs.readFileSync(r.out, 'utf8'))).toEqual(['https://auth.example.com/authorize?state=a%20b']);
  });
});
