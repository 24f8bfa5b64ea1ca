// The Edit form's changes, pure: header values write-only, the log told names and never values.
import { describe, expect, it } from 'vitest';
import { mergeHeaders, planEdit } from './server-edit';
import type { ServerRecord } from './server-model';

const record: ServerRecord = {
  id: 'acme',
  name: 'Acme',
  url: 'https://mcp.acme.dev/mcp',
  enabled: true,
  headers: { 'X-Api-Key': 'old-key', 'X-Team': 'platform' },
  clientId: 'app-1',
  createdAt: 1,
};

describe('mergeHeaders', () => {
  it('a value sets, null removes, an unnamed header keeps the value the window never saw; names match case-insensitively', () => {
    expect(mergeHeaders(record.headers, { 'x-api-key': 'new-key', 'X-Team': null, 'X-Org': 'o' })).toEqual({ 'x-api-key': 'new-key', 'X-Org': 'o' });
    expect(mergeHeaders(record.headers, undefined)).toEqual(record.headers);
  });
});

describe('planEdit', () => {
  it('a rotated key: only the header changes, the sign-in stays, the log names the header but not its value', () => {
    const plan = planEdit(record, { serverId: 'acme', headers: { 'X-Api-Key': 'new-key' }, name: 'Acme' });
    expect(plan.patch).toEqual({ headers: { 'X-Api-Key': 'new-key', 'X-Team': 'platform' } });
    expect(plan.resetsSignIn).toBe(false);
    expect(plan.changes).toEqual(['header X-Api-Key (new value)']);
    expect(JSON.stringify(plan.changes)).not.toContain('new-key');
  });

  it('a new address or client ID resets the sign-in; a new secret of the same client does not', () => {
    expect(planEdit(record, { serverId: 'acme', url: 'https://mcp.acme.dev/v2/mcp' })).toMatchObject({ resetsSignIn: true, changes: ['address'] });
    expect(planEdit(record, { serverId: 'acme', clientId: 'app-2' })).toMatchObject({ resetsSignIn: true, changes: ['client ID'] });
    expect(planEdit(record, { serverId: 'acme', clientId: '' })).toMatchObject({ resetsSignIn: true, patch: { clientId: '' } });
    expect(planEdit(record, { serverId: 'acme', clientSecret: 'rotated' })).toMatchObject({ resetsSignIn: false, changes: ['client secret (new value)'] });
    expect(planEdit(record, { serverId: 'acme', url: record.url, clientId: 'app-1', scopes: '' })).toMatchObject({ changes: [], patch: {} });
  });

  it('names added and removed headers, scopes and the name', () => {
    const plan = planEdit(record, { serverId: 'acme', name: 'Acme Docs', scopes: 'read', headers: { 'X-Org': 'o', 'X-Team': null } });
    expect(plan.changes).toEqual(['name', 'header X-Org (added)', 'header X-Team (removed)', 'scopes']);
  });
});

describe('planEdit: the network', () => {
  const proxied: ServerRecord = { ...record, proxy: 'http://ann@proxy.corp:3128', caFile: '/etc/corp/root.pem' };

  it('a proxy URL with a password: the stored form has the user only, the password is for the vault, the log says "network: proxy"', () => {
    const plan = planEdit(record, { serverId: 'acme', proxy: 'http://ann:s3cret@proxy.corp:3128/' });
    expect(plan.patch).toEqual({ proxy: 'http://ann@proxy.corp:3128' });
    expect(plan.proxyPassword).toBe('s3cret');
    expect(plan.changes).toEqual(['network: proxy']);
    expect(JSON.stringify([plan.patch, plan.changes])).not.toContain('s3cret');
  });

  it('the same URL with a new password changes the vault only; the same URL without one keeps it; the same choice is no change', () => {
    expect(planEdit(proxied, { serverId: 'acme', proxy: 'http://ann:n3w@proxy.corp:3128' })).toEqual({
      patch: {},
      resetsSignIn: false,
      changes: ['network: proxy password (new value)'],
      proxyPassword: 'n3w',
    });
    expect(planEdit(proxied, { serverId: 'acme', proxy: 'http://ann@proxy.corp:3128', caFile: ' /etc/corp/root.pem ' })).toEqual({
      patch: {},
      resetsSignIn: false,
      changes: [],
    });
    expect(planEdit(record, { serverId: 'acme', proxy: 'system', caFile: '' })).toMatchObject({ patch: {}, changes: [] });
  });

  it('switching away from a URL with a user removes its password: to direct, to the system, to another user or host without a user', () => {
    expect(planEdit(proxied, { serverId: 'acme', proxy: 'direct' })).toMatchObject({
      patch: { proxy: 'direct' },
      proxyPassword: null,
      changes: ['network: proxy'],
    });
    expect(planEdit(proxied, { serverId: 'acme', proxy: '' })).toMatchObject({ patch: { proxy: '' }, proxyPassword: null });
    expect(planEdit(proxied, { serverId: 'acme', proxy: 'http://bob@proxy.corp:3128' })).toMatchObject({ proxyPassword: null });
    expect(planEdit(proxied, { serverId: 'acme', proxy: 'http://other.corp:8080' })).toMatchObject({ proxyPassword: null });
    // Another host, the same user: the password stays (write-only, like a header value).
    const moved = planEdit(proxied, { serverId: 'acme', proxy: 'http://ann@proxy2.corp:3128' });
    expect(moved).toMatchObject({ patch: { proxy: 'http://ann@proxy2.corp:3128' } });
    expect(moved.proxyPassword).toBeUndefined();
  });

  it('the CA file: a new path, cleared with ""', () => {
    expect(planEdit(record, { serverId: 'acme', caFile: '/etc/corp/new.pem' })).toMatchObject({ patch: { caFile: '/etc/corp/new.pem' }, changes: ['CA file'] });
    expect(planEdit(proxied, { serverId: 'acme', caFile: '' })).toMatchObject({ patch: { caFile: '' }, changes: ['CA file (removed)'] });
  });

  it("a bad value is refused with the add flow's sentence, the password not repeated", () => {
    expect(() => planEdit(record, { serverId: 'acme', proxy: 'socks5://ann:pw@proxy:1080' })).toThrow(
      'Only HTTP proxies are supported (http:// or https://), not socks5://.',
    );
    expect(() => planEdit(record, { serverId: 'acme', proxy: 'http://proxy:3128/path' })).toThrow('A proxy address is only a host and a port (no path).');
    expect(() => planEdit(record, { serverId: 'acme', caFile: 'root.pem' })).toThrow('The CA file must be an absolute path (the whole path of the PEM file).');
  });
});
