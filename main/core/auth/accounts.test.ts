/**
 * Issue 12 item 9: two server entries of the same server, signed in with two accounts (work and
 * personal), against a real authorization server (oidc-provider, which logs in whoever
 * `fx.account` names) in front of a real MCP server. Each entry keeps its own tokens, says which
 * account it uses, and resetting one leaves the other signed in. Tokens stored under the key of
 * earlier versions (issuer, resource) keep working after the upgrade.
 */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accountFromIdToken } from './account';
import { useEngineBench, type Harness } from './testing/engine-harness';

const bench = useEngineBench();
const { harness, signInOk, collectSecrets } = bench;

/** Two entries of the fixture's one URL on one engine and one vault, as in the app. */
function twoEntries(): { h: Harness; work: Harness['server']; personal: Harness['server'] } {
  const h = harness();
  return { h, work: { ...h.server, id: 'work', name: 'Work' }, personal: { ...h.server, id: 'personal', name: 'Personal', scopes: 'email' } };
}

async function signInAs(h: Harness, server: Harness['server'], account: string): Promise<void> {
  bench.fx.account = account;
  await h.engine.signIn(server);
  collectSecrets(h.vaultFile);
}

/** Who the token an entry would send belongs to, as the authorization server sees it. */
async function ownerOf(h: Harness, server: Harness['server']): Promise<string | undefined> {
  const token = await h.engine.accessToken(server);
  if (!token) return undefined;
  const info = await bench.fx.introspect(token);
  return info.active ? info.sub : undefined;
}

function vault(h: Harness): Record<string, string> {
  return JSON.parse(fs.readFileSync(h.vaultFile, 'utf8')) as Record<string, string>;
}

describe('two entries of one server, two accounts', () => {
  it('each entry keeps its own sign-in and says which account it uses', async () => {
    const { h, work, personal } = twoEntries();
    await signInAs(h, work, 'alice');
    await signInAs(h, personal, 'bob');

    // Before tokens were keyed by server, bob's sign-in replaced alice's for both entries.
    expect(await ownerOf(h, work)).toBe('alice');
    expect(await ownerOf(h, personal)).toBe('bob');
    // The ID token says who: its `sub`, or its e-mail when the entry asked for `email`.
    expect((await h.engine.heldTokens(work.id))?.account).toBe('alice');
    expect((await h.engine.heldTokens(personal.id))?.account).toBe('bob@example.test');
    expect(new URL(h.browser.opened[0]!).searchParams.get('scope')?.split(' ')).toContain('openid');
    expect(Object.keys(vault(h)).filter((k) => k.startsWith('oauth/tokens/'))).toHaveLength(2);
  });

  it('resetting (or removing) one entry revokes only its own grant', async () => {
    const { h, work, personal } = twoEntries();
    await signInAs(h, work, 'alice');
    await signInAs(h, personal, 'bob');
    const workToken = await h.engine.accessToken(work);

    await h.engine.reset(personal);
    expect(await h.engine.accessToken(personal)).toBeUndefined();
    expect(h.engine.state(personal.id)).toBe('needs-sign-in');
    expect((await bench.fx.introspect(workToken!)).active).toBe(true);
    expect(await ownerOf(h, work)).toBe('alice');
    expect((await h.engine.heldTokens(work.id))?.account).toBe('alice');
  });

  it('refreshing one entry leaves the other entry with its own refresh token', async () => {
    const { h, work, personal } = twoEntries();
    await signInAs(h, work, 'alice');
    await signInAs(h, personal, 'bob');
    const personalBefore = await h.engine.heldTokens(personal.id);
    const renewed = await h.engine.onUnauthorized(work, { status: 401 });
    expect(renewed).toBeDefined();
    expect(await h.engine.heldTokens(personal.id)).toEqual(personalBefore);
    expect(await ownerOf(h, personal)).toBe('bob');
    expect(await ownerOf(h, work)).toBe('alice');
  });
});

describe('tokens stored by an earlier version under (issuer, resource)', () => {
  /** Rewrites a vault as an earlier version left it: the tokens under `oauth/tokens/<issuer>/<resource>`. */
  function downgrade(h: Harness, serverIds: string[]): void {
    const data = vault(h);
    const keys = Object.keys(data).filter((k) => k.startsWith('oauth/tokens/'));
    const kept = keys.find((k) => k.startsWith(`oauth/tokens/${serverIds[0]}/`))!;
    const [, issuer, resource] = kept.slice('oauth/tokens/'.length).split('/');
    const legacy = `oauth/tokens/${issuer}/${resource}`;
    data[legacy] = data[kept]!;
    for (const k of keys) delete data[k];
    fs.writeFileSync(h.vaultFile, JSON.stringify(data), { mode: 0o600 });
  }

  it('are moved to the server whose session points at them, once, and keep working', async () => {
    const first = harness();
    await signInOk(first);
    const token = await first.engine.accessToken(first.server);
    await first.engine.dispose();
    downgrade(first, [first.server.id]);
    expect(Object.keys(vault(first)).filter((k) => k.startsWith('oauth/tokens/'))).toHaveLength(1);

    // The next start of the app reads the same vault file.
    const next = harness({}, first.server);
    fs.copyFileSync(first.vaultFile, next.vaultFile);
    expect(await next.engine.accessToken(next.server)).toBe(token);
    expect((await bench.fx.introspect(token!)).active).toBe(true);
    const keys = Object.keys(vault(next)).filter((k) => k.startsWith('oauth/tokens/'));
    expect(keys).toEqual([expect.stringMatching(new RegExp(`^oauth/tokens/${next.server.id}/[^/]+/[^/]+$`))]);
    // And refresh (rotation) goes on from there.
    expect(await next.engine.onUnauthorized(next.server, { status: 401 })).toBeDefined();
    expect(await next.engine.accessToken(next.server)).not.toBe(token);
  });

  it('shared by two entries: the first keeps them, the other is told to sign in again (no shared refresh token)', async () => {
    const { h, work, personal } = twoEntries();
    await signInAs(h, personal, 'bob');
    await signInAs(h, work, 'alice');
    await h.engine.dispose();
    // Under the old key both sessions pointed at one slot, holding the last sign-in (alice's).
    downgrade(h, [work.id, personal.id]);

    const next = harness({}, h.server);
    fs.copyFileSync(h.vaultFile, next.vaultFile);
    // "personal" sorts before "work": it keeps the slot, which holds alice's tokens, as before the upgrade.
    expect(await ownerOf(next, personal)).toBe('alice');
    expect(await next.engine.accessToken(work)).toBeUndefined();
    expect(next.logs.map((l) => l.message)).toContain(
      'This server shared its sign-in with "personal", which keeps it; sign in again here (each server entry now has its own)',
    );
    await signInAs(next, work, 'alice');
    expect(await ownerOf(next, work)).toBe('alice');
    expect(await ownerOf(next, personal)).toBe('alice');
    expect(Object.keys(vault(next)).filter((k) => k.startsWith('oauth/tokens/'))).toHaveLength(2);
  });
});

describe('accountFromIdToken', () => {
  const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  const expected = { issuer: 'https://as.example', clientId: 'c1' };

  it('names the e-mail, else the user name, else sub, only for this issuer and client', () => {
    expect(accountFromIdToken(jwt({ iss: 'https://as.example', aud: 'c1', sub: 's', email: 'a@x.test' }), expected)).toBe('a@x.test');
    expect(accountFromIdToken(jwt({ iss: 'https://as.example', aud: ['c1', 'c2'], sub: 's', preferred_username: 'ada' }), expected)).toBe('ada');
    expect(accountFromIdToken(jwt({ iss: 'https://as.example', aud: 'c1', sub: 's' }), expected)).toBe('s');
    expect(accountFromIdToken(jwt({ iss: 'https://other.example', aud: 'c1', sub: 's' }), expected)).toBeUndefined();
    expect(accountFromIdToken(jwt({ iss: 'https://as.example', aud: 'c2', sub: 's' }), expected)).toBeUndefined();
    expect(accountFromIdToken('not-a-jwt', expected)).toBeUndefined();
    expect(accountFromIdToken(undefined, expected)).toBeUndefined();
  });

  it('shows no control or direction-override characters', () => {
    expect(accountFromIdToken(jwt({ iss: 'https://as.example', aud: 'c1', sub: 'ev\u202eil\u0007' }), expected)).toBe('evil');
    expect(accountFromIdToken(jwt({ iss: 'https://as.example', aud: 'c1', sub: '\u200f' }), expected)).toBeUndefined();
  });
});

it('no secret reached a log line, state detail or notification', () => {
  bench.expectNothingSecretSaid();
});
