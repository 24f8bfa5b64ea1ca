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
