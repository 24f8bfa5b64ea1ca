/**
 * Which account a sign-in is for, shown beside the server ("Signed in as ada@example.com") so two
 * entries of the same server (work and personal) can be told apart.
 *
 * The source is the ID token of an OpenID Connect authorization server, which the engine asks for
 * (`openid`, oauth-provider.ts) when the server's metadata lists it. It comes straight from the
 * token endpoint, over the connection the engine checked, so OIDC Core §3.1.3.7 lets TLS stand in
 * for the signature; its `iss` and `aud` must still be this issuer and this client. It is used for
 * display only: nothing is decided on it.
 *
 * The userinfo endpoint is not asked: the access token is bound to the MCP server (RFC 8707
 * `resource`), and the engine sends it nowhere else.
 */

/** Control, format and direction-override characters: an account is shown, never interpreted. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

function clean(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.replace(UNSAFE, '').trim();
  if (!text) return undefined;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function payloadOf(jwt: string): Record<string, unknown> | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3 || parts[1]!.length > 64 * 1024) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The account an ID token names: its `email`, else `preferred_username`, else `sub`; undefined when
 * there is no ID token, it cannot be read, or it was not issued by `issuer` to `clientId`.
 */
export function accountFromIdToken(idToken: string | undefined, expected: { issuer: string; clientId: string }): string | undefined {
  if (!idToken) return undefined;
  const claims = payloadOf(idToken);
  if (!claims || claims.iss !== expected.issuer) return undefined;
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(expected.clientId)) return undefined;
  return clean(claims.email) ?? clean(claims.preferred_username) ?? clean(claims.sub);
}
