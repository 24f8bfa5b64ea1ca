/**
 * Issue 17: sign-in without a user at a browser, against a real authorization server
 * (oidc-provider) in front of a real MCP server:
 * - client credentials with a client secret, and with a private key (private_key_jwt, RFC 7523
 *   §2.2, ES256): tokens with no browser, renewed by asking again;
 * - enterprise-managed authorization: the user signs in once to the company's identity provider
 *   (a browser sign-in there, OpenID Connect), then a server set to `enterprise` gets its token
 *   through a token exchange at the IdP (RFC 8693, ID token → ID-JAG) and the JWT bearer grant at
 *   the server's authorization server, without a browser tab of its own. The same provider plays
 *   IdP and authorization server (oidc-fixture.ts registers the two grants).
 */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_CLIENT, ENTERPRISE_CLIENT, IDP_CLIENT, JWT_BEARER_GRANT, KEYED_CLIENT, TOKEN_EXCHANGE_GRANT } from './testing/oidc-fixture';
import { useEngineBench, type Harness } from './testing/engine-harness';
import { signingAlgorithmFor } from './oauth-provider';
import type { AuthServerConfig } from './types';

const bench = useEngineBench();
const { harness, collectSecrets } = bench;

async function callWhoami(h: Harness): Promise<string> {
  const client = await bench.connectClient(h);
  try {
    const r = await client.callTool({ name: 'whoami', arguments: {} });
    return (r.content as Array<{ text: string }>)[0]!.text;
  } finally {
    await client.close();
  }
}

describe('client credentials', () => {
  it('with a client secret: a token with no browser, renewed by asking again', async () => {
    const h = harness({}, { grantType: 'client_credentials', clientId: APP_CLIENT.id, clientSecret: APP_CLIENT.secret });
    bench.secrets.add(APP_CLIENT.secret);
    await h.engine.signIn(h.server);
    collectSecrets(h.vaultFile);
    expect(h.browser.opened).toEqual([]);
    expect(await callWhoami(h)).toMatch(`client ${APP_CLIENT.id} scopes mcp:tools`);
    const first = await h.engine.accessToken(h.server);
    const renewed = await h.engine.onUnauthorized(h.server, { status: 401, token: first });
    expect(renewed).toBeTruthy();
    expect(renewed).not.toBe(first);
    bench.secrets.add(first!).add(renewed!);
    expect(bench.grantsOf('client_credentials')).toBeGreaterThanOrEqual(2);
  });

  it('with a private key (private_key_jwt): the token request carries a signed assertion, never a secret', async () => {
    expect(signingAlgorithmFor(bench.fx.keyedClientKey)).toBe('ES256');
    bench.secrets.add(bench.fx.keyedClientKey);
    const before = bench.fx.grants.length;
    const h = harness({}, { grantType: 'client_credentials', clientId: KEYED_CLIENT.id, privateKey: bench.fx.keyedClientKey });
    await h.engine.signIn(h.server);
    collectSecrets(h.vaultFile);
    expect(h.browser.opened).toEqual([]);
    expect(bench.fx.grants.slice(before)).toEqual([{ grantType: 'client_credentials', ok: true }]);
    expect(await callWhoami(h)).toMatch(`client ${KEYED_CLIENT.id} scopes mcp:tools`);
    expect(h.engine.status(h.server.id)).toMatchObject({ state: 'signed-in', detail: 'Signed in to Fixture as an app' });
  });

  it('a key that cannot sign is refused with a sentence', () => {
    expect(() => signingAlgorithmFor('not a key')).toThrow(/not a PEM private key/);
  });
});

describe('enterprise-managed authorization (cross-app access)', () => {
  function enterpriseServer(): Partial<AuthServerConfig> {
    return {
      grantType: 'enterprise',
      clientId: ENTERPRISE_CLIENT.id,
      clientSecret: ENTERPRISE_CLIENT.secret,
      enterprise: { issuer: bench.fx.issuer, clientId: IDP_CLIENT.id },
    };
  }

  it('asks for the IdP sign-in first, then gets each server its token with no browser tab of its own', async () => {
    bench.secrets.add(ENTERPRISE_CLIENT.secret);
    const h = harness({}, enterpriseServer());
    // Not signed in to the IdP yet: a sentence that says where to, and no tab.
    await expect(h.engine.signIn(h.server)).rejects.toThrow(/Not signed in to your company's identity provider.*Settings ▸ Company sign-in/);
    expect(h.browser.opened).toEqual([]);

    await h.engine.signInToIdp(h.server.enterprise);
    collectSecrets(h.vaultFile);
    expect(h.browser.opened).toHaveLength(1);
    expect(new URL(h.browser.opened[0]!).origin).toBe(bench.fx.issuer);
    expect(await h.engine.idpStatus(h.server.enterprise)).toMatchObject({ signedIn: true, account: 'alice@example.test', renewable: true });

    await h.engine.signIn(h.server);
    await h.engine.signIn({ ...h.server, id: 'second', name: 'Second' });
    collectSecrets(h.vaultFile);
    expect(h.browser.opened).toHaveLength(1); // one sign-in at the IdP served both servers
    expect(bench.fx.enterprise.exchanges.slice(-2)).toEqual([
      { audience: bench.fx.issuer, resource: bench.fx.mcpUrl, sub: 'alice' },
      { audience: bench.fx.issuer, resource: bench.fx.mcpUrl, sub: 'alice' },
    ]);
    expect(bench.grantsOf(TOKEN_EXCHANGE_GRANT)).toBeGreaterThanOrEqual(2);
    expect(bench.grantsOf(JWT_BEARER_GRANT)).toBeGreaterThanOrEqual(2);
    expect(await callWhoami(h)).toMatch(`client ${ENTERPRISE_CLIENT.id} scopes mcp:tools`);
    expect(h.engine.status(h.server.id).detail).toBe("Signed in to Fixture through your company's identity provider");

    // Renewed the same way (a new exchange), and signed out of the IdP: a sentence, not a tab.
    const token = await h.engine.accessToken(h.server);
    const again = await h.engine.onUnauthorized(h.server, { status: 401, token });
    expect(again).toBeTruthy();
    bench.secrets.add(token!).add(again!);
    await h.engine.signOutOfIdp(h.server.enterprise);
    expect(await h.engine.idpStatus(h.server.enterprise)).toMatchObject({ signedIn: false });
    expect(await h.engine.onUnauthorized(h.server, { status: 401, token: await h.engine.accessToken(h.server) })).toBeUndefined();
    expect(h.browser.opened).toHaveLength(1);
  });

  it('an ID token from elsewhere (automation) serves too; a token that is not a JWT is refused', async () => {
    const h = harness({}, enterpriseServer());
    await expect(h.engine.useIdpIdToken(h.server.enterprise!, 'not-a-jwt')).rejects.toThrow(/not a JWT/);
    // Get a real ID token through one engine, hand it to another (as --idp-id-token does).
    const first = harness({}, enterpriseServer());
    await first.engine.signInToIdp(first.server.enterprise);
    collectSecrets(first.vaultFile);
    const stored = JSON.parse(JSON.parse(fs.readFileSync(first.vaultFile, 'utf8'))[`oauth/idp/${encodeURIComponent(bench.fx.issuer)}`]) as {
      id_token: string;
    };
    await h.engine.useIdpIdToken(h.server.enterprise!, stored.id_token);
    await h.engine.signIn(h.server);
    collectSecrets(h.vaultFile);
    expect(h.browser.opened).toEqual([]);
    expect(await callWhoami(h)).toMatch(ENTERPRISE_CLIENT.id);
  });

  it('said no secret anywhere (tokens, ID tokens, grants, client secrets, keys)', () => {
    bench.expectNothingSecretSaid();
  });
});
