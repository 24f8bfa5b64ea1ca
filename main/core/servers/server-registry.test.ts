// The registry over the real `conf` package, writing settings.json in a temp dir.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerRecord } from './server-model';
import { ServerRegistry, ServerRegistryError } from './server-registry';

let dir: string;

function openStore() {
  return new Conf<Record<string, unknown>>({ cwd: dir, configName: 'settings', projectName: 'mcp-switchboard', projectSuffix: '' });
}

function onDisk(): { servers?: ServerRecord[] } {
  return JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8'));
}

function expectRefused(fn: () => unknown, message: string | RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ServerRegistryError);
  if (typeof message === 'string') expect((err as Error).message).toBe(message);
  else expect((err as Error).message).toMatch(message);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-registry-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ServerRegistry', () => {
  it('keeps the sign-in mode and network fields without a secret: the proxy URL without its password (issue 17)', () => {
    const reg = new ServerRegistry(openStore());
    const r = reg.add({
      url: 'https://mcp.example.com/mcp',
      name: 'Machine',
      signIn: 'client-credentials',
      clientId: 'app',
      privateKey: '-----BEGIN PRIVATE KEY-----x',
      signingAlgorithm: 'ES256',
      proxy: 'http://ann:secret-pw@proxy.corp:3128',
      caFile: '/etc/corp/root.pem',
    });
    expect(r).toMatchObject({ grantType: 'client_credentials', signingAlgorithm: 'ES256', proxy: 'http://ann@proxy.corp:3128', caFile: '/etc/corp/root.pem' });
    expect(JSON.stringify(onDisk())).not.toMatch(/secret-pw|PRIVATE KEY/);
    expect(reg.add({ url: 'https://mcp.example.com/mcp', name: 'Direct', proxy: 'direct' }).proxy).toBe('direct');
    expect(reg.add({ url: 'https://mcp.example.com/mcp', name: 'System', proxy: 'system' }).proxy).toBeUndefined();
    expect(reg.add({ url: 'https://mcp.example.com/mcp', name: 'Company', signIn: 'enterprise', clientId: 'c' }).grantType).toBe('enterprise');
    expectRefused(() => reg.add({ url: 'https://x.example/mcp', signIn: 'client-credentials', clientId: 'a' }), /needs a client secret or a private key/);
    expectRefused(() => reg.add({ url: 'https://x.example/mcp', signIn: 'enterprise' }), /needs the client ID/);
    expectRefused(() => reg.add({ url: 'https://x.example/mcp', proxy: 'socks5://s:1080' }), /Only HTTP proxies/);
    expectRefused(() => reg.add({ url: 'https://x.example/mcp', caFile: 'relative.pem' }), /absolute path/);
    expectRefused(() => reg.add({ url: 'https://x.example/mcp', privateKey: 'k' }), /only to sign in as an app/);
  });

  it('starts empty', () => {
    const reg = new ServerRegistry(openStore());
    expect(reg.list()).toEqual([]);
    expect(reg.get('anything')).toBeUndefined();
  });

  it('keeps the scopes asked for, normalized, and refuses invalid ones without saving', () => {
    const store = openStore();
    const reg = new ServerRegistry(store);
    expect(reg.add({ url: 'https://api.github.com/mcp', scopes: ' repo  read:org ' }).scopes).toBe('repo read:org');
    expect(new ServerRegistry(store).get('github-com')?.scopes).toBe('repo read:org');
    expect(() => reg.add({ url: 'https://b.example.com/mcp', scopes: 'a "b"' })).toThrow(/is not a scope name/);
    expect(reg.list()).toHaveLength(1);
  });

  it('keeps a retry budget given on add or update, back to the default when cleared; refuses a bad one without saving', () => {
    const reg = new ServerRegistry(openStore());
    const s = reg.add({ url: 'https://a.example.com/mcp', retryBudgetSeconds: 5 });
    expect(onDisk().servers![0]!.retryBudgetSeconds).toBe(5);
    expect(reg.update(s.id, { retryBudgetSeconds: 0 }).retryBudgetSeconds).toBe(0);
    expect('retryBudgetSeconds' in reg.update(s.id, { retryBudgetSeconds: undefined })).toBe(false);
    expectRefused(() => reg.update(s.id, { retryBudgetSeconds: -3 }), /retry budget must be a whole number of seconds/);
    expectRefused(() => reg.add({ url: 'https://b.example.com/mcp', retryBudgetSeconds: 9999 }), /retry budget/);
    expect(onDisk().servers).toHaveLength(1);
    expect(reg.add({ url: 'https://c.example.com/mcp' }).retryBudgetSeconds).toBeUndefined();
  });

  it('a name given on purpose is not replaced later; renaming ends the automatic name', () => {
    const reg = new ServerRegistry(openStore());
    expect(reg.add({ url: 'https://a.example.com/mcp', name: 'Mine' }).autoNamed).toBeUndefined();
    const auto = reg.add({ url: 'https://b.example.com/mcp' });
    expect(auto.autoNamed).toBe(true);
    expect(reg.update(auto.id, { name: 'Theirs' })).not.toHaveProperty('autoNamed');
  });

  it('adds a server with defaults derived from the URL and persists it', () => {
    const reg = new ServerRegistry(openStore());
    const before = Date.now();
    const rec = reg.add({ url: ' https://mcp.notion.com/mcp ' });
    expect(rec).toEqual({
      id: 'notion-com',
      name: 'notion.com',
      url: 'https://mcp.notion.com/mcp',
      enabled: true,
      headers: {},
      createdAt: rec.createdAt,
      // Named after the host: the server's own name replaces it once known.
      autoNamed: true,
    });
    expect(rec.createdAt).toBeGreaterThanOrEqual(before);
    expect(rec.createdAt).toBeLessThanOrEqual(Date.now());
    expect(reg.list()).toEqual([rec]);
    expect(reg.get('notion-com')).toEqual(rec);
    expect(onDisk().servers).toEqual([rec]);
  });

  it('uses the given name and headers and makes ids unique', () => {
    const reg = new ServerRegistry(openStore());
    const a = reg.add({ url: 'https://a.example.com/mcp', name: ' Linear ', headers: { 'X-Team': 'one' } });
    const b = reg.add({ url: 'https://b.example.com/mcp', name: 'Linear' });
    const c = reg.add({ url: 'https://c.example.com/mcp', name: 'Linear' });
    expect([a.id, b.id, c.id]).toEqual(['linear', 'linear-2', 'linear-3']);
    expect([a.name, b.name, c.name]).toEqual(['Linear', 'Linear', 'Linear']);
    expect(a.headers).toEqual({ 'X-Team': 'one' });
    expect(reg.list().map((s) => s.id)).toEqual(['linear', 'linear-2', 'linear-3']);
  });

  it('refuses the same URL with the same headers, but not with different headers', () => {
    const reg = new ServerRegistry(openStore());
    reg.add({ url: 'https://mcp.example.com/mcp', name: 'Work', headers: { 'X-Org': 'work' } });
    expectRefused(
      () => reg.add({ url: 'https://mcp.example.com/mcp', headers: { 'X-Org': 'work' } }),
      'https://mcp.example.com/mcp is already added as "Work".',
    );
    // The same URL written differently is still the same server.
    expectRefused(() => reg.add({ url: 'HTTPS://MCP.EXAMPLE.COM/mcp', headers: { 'X-Org': 'work' } }), /already added as "Work"/);
    const home = reg.add({ url: 'https://mcp.example.com/mcp', name: 'Home', headers: { 'X-Org': 'home' } });
    expect(home.id).toBe('home');
    expect(reg.list()).toHaveLength(2);
  });

  it('takes the same URL and headers again under another name: a second account (issue 12 item 9)', () => {
    const reg = new ServerRegistry(openStore());
    reg.add({ url: 'https://mcp.example.com/mcp', name: 'Work' });
    expectRefused(() => reg.add({ url: 'https://mcp.example.com/mcp', name: 'work' }), /already added as "Work"/);
    const personal = reg.add({ url: 'https://mcp.example.com/mcp', name: 'Personal' });
    expect(personal.id).toBe('personal');
    expect(reg.list().map((s) => s.name)).toEqual(['Work', 'Personal']);
  });

  it('refuses invalid input with the reason and saves nothing', () => {
    const reg = new ServerRegistry(openStore());
    reg.add({ url: 'https://ok.example.com/' });
    const saved = fs.readFileSync(path.join(dir, 'settings.json'), 'utf8');
    expectRefused(() => reg.add(null as never), 'Nothing to add.');
    expectRefused(() => reg.add({ url: 'http://example.com/mcp' }), /only for servers on this computer/);
    expectRefused(() => reg.add({ url: 'garbage' }), /is not a URL/);
    expectRefused(() => reg.add({ url: 'https://x.example.com/', name: 'a\nb' }), 'The name contains control characters.');
    expectRefused(() => reg.add({ url: 'https://x.example.com/', headers: { Host: 'evil' } }), /Host header is managed/);
    expectRefused(() => reg.add({ url: 'https://x.example.com/', headers: { 'X-A': 'a\r\nb' } }), /contains a line break/);
    expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).toBe(saved);
    expect(reg.list().map((s) => s.url)).toEqual(['https://ok.example.com/']);
  });

  it('removes a server and refuses an unknown id', () => {
    const reg = new ServerRegistry(openStore());
    const a = reg.add({ url: 'https://a.example.com/', name: 'A' });
    const b = reg.add({ url: 'https://b.example.com/', name: 'B' });
    reg.remove(a.id);
    expect(reg.list()).toEqual([b]);
    expect(onDisk().servers).toEqual([b]);
    expectRefused(() => reg.remove(a.id), 'No server "a".');
    // The id is free again.
    expect(reg.add({ url: 'https://a2.example.com/', name: 'A' }).id).toBe('a');
  });

  it('updates enabled, name and transport, and refuses an unknown id', () => {
    const reg = new ServerRegistry(openStore());
    const a = reg.add({ url: 'https://a.example.com/mcp', name: 'A' });
    const updated = reg.update(a.id, { enabled: false, name: 'Renamed', transport: { kind: 'sse', url: 'https://a.example.com/sse' } });
    expect(updated).toEqual({ ...a, enabled: false, name: 'Renamed', transport: { kind: 'sse', url: 'https://a.example.com/sse' } });
    // The id stays even when the name changes.
    expect(reg.get('a')).toEqual(updated);
    expect(onDisk().servers).toEqual([updated]);
    expectRefused(() => reg.update('missing', { enabled: true }), 'No server "missing".');
  });

  it('remembers the protocol era the server spoke, and nothing else in its place', () => {
    const reg = new ServerRegistry(openStore());
    const a = reg.add({ url: 'https://a.example.com/mcp', name: 'A' });
    expect(reg.update(a.id, { protocolEra: 'modern' })).toEqual({ ...a, protocolEra: 'modern' });
    expect(onDisk().servers).toEqual([{ ...a, protocolEra: 'modern' }]);
    expectRefused(() => reg.update(a.id, { protocolEra: '2026' as never }), 'The protocol era must be legacy or modern.');
    expect(reg.get(a.id)!.protocolEra).toBe('modern');
  });

  it('keeps the client installs without stand-ins, sorted and unique; an empty list removes the field; refuses bad ids', () => {
    const reg = new ServerRegistry(openStore());
    const a = reg.add({ url: 'https://a.example.com/mcp', name: 'A' });
    expect(reg.update(a.id, { standInsOffFor: ['cursor', 'claude-desktop', 'cursor'] }).standInsOffFor).toEqual(['claude-desktop', 'cursor']);
    expect(onDisk().servers?.[0]?.standInsOffFor).toEqual(['claude-desktop', 'cursor']);
    expectRefused(() => reg.update(a.id, { standInsOffFor: ['../etc'] }), 'standInsOffFor must be a list of client ids.');
    expectRefused(() => reg.update(a.id, { standInsOffFor: 'cursor' as never }), 'standInsOffFor must be a list of client ids.');
    expect(reg.get(a.id)!.standInsOffFor).toEqual(['claude-desktop', 'cursor']);
    expect(reg.update(a.id, { standInsOffFor: [] })).toEqual(a);
    expect(onDisk().servers).toEqual([a]);
  });

  it('never saves an invalid update', () => {
    const reg = new ServerRegistry(openStore());
    const a = reg.add({ url: 'https://a.example.com/mcp', name: 'A', headers: { 'X-A': '1' } });
    expectRefused(() => reg.update(a.id, { name: 'bad\u0007name' }), 'The name contains control characters.');
    expectRefused(() => reg.update(a.id, { name: 'x'.repeat(100) }), 'Keep the name under 64 characters.');
    expectRefused(() => reg.update(a.id, { headers: { 'X-A': 'v\r\nInjected: 1' } }), 'The value of X-A contains a line break.');
    expectRefused(() => reg.update(a.id, { headers: { 'Mcp-Session-Id': 'x' } }), /managed by MCP Switchboard/);
    expectRefused(() => reg.update(a.id, { enabled: 'yes' as never }), 'enabled must be true or false.');
    expectRefused(() => reg.update(a.id, { transport: { kind: 'websocket' as never, url: 'https://a.example.com/ws' } }), /streamable-http or sse/);
    expectRefused(() => reg.update(a.id, { transport: { kind: 'sse', url: 'http://remote.example.com/sse' } }), /streamable-http or sse/);
    expect(reg.get(a.id)).toEqual(a);
    expect(onDisk().servers).toEqual([a]);
    // A name is trimmed like on add; fields outside the patch type are not taken.
    const next = reg.update(a.id, { name: '  Nice  ', id: 'hijack', url: 'http://evil.example/' } as never);
    expect(next).toEqual({ ...a, name: 'Nice' });
    expect(onDisk().servers).toEqual([{ ...a, name: 'Nice' }]);
    // An emptied name falls back to the default name, as on add.
    expect(reg.update(a.id, { name: '   ' }).name).toBe('a.example.com');
  });

  it('tells listeners about every change with the new list, until unsubscribed', () => {
    const reg = new ServerRegistry(openStore());
    const seen: string[][] = [];
    const off = reg.onDidChange((servers) => seen.push(servers.map((s) => `${s.id}:${s.enabled}`)));
    const a = reg.add({ url: 'https://a.example.com/', name: 'A' });
    reg.add({ url: 'https://b.example.com/', name: 'B' });
    reg.update(a.id, { enabled: false });
    reg.remove('b');
    expect(() => reg.add({ url: 'nope' })).toThrow();
    expect(seen).toEqual([['a:true'], ['a:true', 'b:true'], ['a:false', 'b:true'], ['a:false']]);
    off();
    reg.remove('a');
    expect(seen).toHaveLength(4);
  });

  it('persists across a new store and registry instance', () => {
    const first = new ServerRegistry(openStore());
    const a = first.add({ url: 'https://a.example.com/mcp', name: 'Alpha', headers: { Authorization: 'Bearer ${env:A_TOKEN}' } });
    first.update(a.id, { transport: { kind: 'streamable-http', url: 'https://a.example.com/mcp' } });
    const b = first.add({ url: 'http://127.0.0.1:4000/mcp' });

    const second = new ServerRegistry(openStore());
    expect(second.list()).toEqual([{ ...a, transport: { kind: 'streamable-http', url: 'https://a.example.com/mcp' } }, b]);
    expect(second.get('alpha')?.headers).toEqual({ Authorization: 'Bearer ${env:A_TOKEN}' });
    // The new instance sees the ids taken by the old one.
    expect(second.add({ url: 'https://other.example.com/', name: 'Alpha' }).id).toBe('alpha-2');
  });

  it('hands out copies: mutating a listed record does not change the store', () => {
    const reg = new ServerRegistry(openStore());
    reg.add({ url: 'https://a.example.com/', name: 'A', headers: { 'X-A': '1' } });
    const [rec] = reg.list();
    rec.headers['X-A'] = 'changed';
    rec.name = 'changed';
    expect(reg.get('a')).toMatchObject({ name: 'A', headers: { 'X-A': '1' } });
  });

  it('reads a store without a servers array as empty', () => {
    const store = openStore();
    store.set('servers', 'corrupt');
    expect(new ServerRegistry(store).list()).toEqual([]);
  });
  it('drafts: found by get, never listed, saved or announced until kept; discard forgets them', () => {
    const reg = new ServerRegistry(openStore());
    const changes: number[] = [];
    reg.onDidChange((list) => changes.push(list.length));
    const draft = reg.add({ url: 'https://mcp.acme.dev/mcp', name: 'Acme', headers: { 'X-Key': 'k' } }, { draft: true });
    expect(reg.get(draft.id)).toMatchObject({ name: 'Acme', headers: { 'X-Key': 'k' } });
    expect(reg.isDraft(draft.id)).toBe(true);
    expect(reg.list()).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'settings.json')) ? (onDisk().servers ?? []) : []).toEqual([]);
    expect(changes).toEqual([]);
    // The draft's id is taken while it lives: a second server of the same name gets another.
    expect(reg.add({ url: 'https://other.example.com/mcp', name: 'Acme' }).id).toBe('acme-2');
    expect(reg.keep(draft.id).id).toBe(draft.id);
    expect(reg.isDraft(draft.id)).toBe(false);
    expect(onDisk().servers!.map((s) => s.id)).toEqual(['acme-2', 'acme']);
    expect(changes).toEqual([1, 2]);
    expectRefused(() => reg.keep(draft.id), /No draft "acme"/);

    const gone = reg.add({ url: 'https://gone.example.com/mcp' }, { draft: true });
    expect(reg.discard(gone.id)).toBe(true);
    expect(reg.get(gone.id)).toBeUndefined();
    expect(reg.discard(gone.id)).toBe(false);
  });

  it('a draft whose server was added meanwhile is refused at keep', () => {
    const reg = new ServerRegistry(openStore());
    const draft = reg.add({ url: 'https://mcp.acme.dev/mcp' }, { draft: true });
    reg.add({ url: 'https://mcp.acme.dev/mcp', name: 'Acme by hand' });
    expectRefused(() => reg.keep(draft.id), 'https://mcp.acme.dev/mcp was added meanwhile as "Acme by hand".');
  });

  it('edit: a new URL forgets the transport; scopes and client ID are set and cleared; all validated', () => {
    const reg = new ServerRegistry(openStore());
    const rec = reg.add({ url: 'https://a.example.com/mcp', name: 'A', clientId: 'app-1', scopes: 'read' });
    reg.update(rec.id, { transport: { kind: 'sse', url: 'https://a.example.com/sse' } });
    const moved = reg.edit(rec.id, { url: ' https://b.example.com/mcp ', scopes: 'read write', clientId: 'app-2' });
    expect(moved).toMatchObject({ url: 'https://b.example.com/mcp', scopes: 'read write', clientId: 'app-2' });
    expect(moved.transport).toBeUndefined();
    const cleared = reg.edit(rec.id, { scopes: '', clientId: '' });
    expect(cleared.scopes).toBeUndefined();
    expect(cleared.clientId).toBeUndefined();
    expectRefused(() => reg.edit(rec.id, { url: 'http://example.com/mcp' }), /Plain http:\/\/ is allowed only/);
    expectRefused(() => reg.edit(rec.id, { clientId: 'has space' }), /client ID must be/);
    expectRefused(() => reg.edit(rec.id, { scopes: 'a "b"' }), /is not a scope name/);
    reg.add({ url: 'https://c.example.com/mcp', name: 'C' });
    expectRefused(() => reg.edit(rec.id, { url: 'https://c.example.com/mcp' }), 'https://c.example.com/mcp is already added as "C".');
    expect(reg.get(rec.id)!.url).toBe('https://b.example.com/mcp');
  });

  it('edit: the network, as at add: a proxy URL stored without its password, cleared with "" (the system) and the CA file with ""; a bad one changes nothing', () => {
    const store = openStore();
    const reg = new ServerRegistry(store);
    const rec = reg.add({ url: 'https://a.example.com/mcp', name: 'A', proxy: 'direct' });
    expect(reg.edit(rec.id, { proxy: 'http://ann:pw-in-vault@proxy.corp:3128', caFile: ' /etc/corp/root.pem ' })).toMatchObject({
      proxy: 'http://ann@proxy.corp:3128',
      caFile: '/etc/corp/root.pem',
    });
    expect(JSON.stringify(store.get('servers'))).not.toContain('pw-in-vault');
    expectRefused(() => reg.edit(rec.id, { proxy: 'ftp://proxy.corp' }), 'Only HTTP proxies are supported (http:// or https://), not ftp://.');
    expectRefused(() => reg.edit(rec.id, { caFile: 'relative.pem' }), 'The CA file must be an absolute path (the whole path of the PEM file).');
    expect(reg.get(rec.id)).toMatchObject({ proxy: 'http://ann@proxy.corp:3128', caFile: '/etc/corp/root.pem' });
    const cleared = reg.edit(rec.id, { proxy: '', caFile: '' });
    expect(cleared.proxy).toBeUndefined();
    expect(cleared.caFile).toBeUndefined();
  });
});
