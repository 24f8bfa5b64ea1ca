/**
 * Links to the app (mcp-switchboard://…), parsed without trusting anything in them. A link can
 * only propose: `add` pre-fills the add-server form, and the user still has to confirm.
 *   mcp-switchboard://add?url=<https URL>[&name=<display name>]
 *   mcp-switchboard://oauth/callback?…   (sign-in redirect of pre-registered native clients)
 */
import { validateName, validateServerUrl } from './servers/server-model';

export type AppLink =
  | { kind: 'oauth'; url: string }
  | { kind: 'add'; url: string; name?: string }
  | { kind: 'invalid'; reason: string };

export const MAX_LINK_LENGTH = 4096;

export function parseAppLink(raw: unknown): AppLink {
  if (typeof raw !== 'string') return { kind: 'invalid', reason: 'not a link' };
  if (raw.length > MAX_LINK_LENGTH) return { kind: 'invalid', reason: `the link is longer than ${MAX_LINK_LENGTH} characters` };
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { kind: 'invalid', reason: 'not a valid link' };
  }
  if (u.protocol !== 'mcp-switchboard:') return { kind: 'invalid', reason: `not an mcp-switchboard: link (${u.protocol})` };
  const action = (u.hostname || u.pathname.replace(/^\/+/, '').split('/')[0]).toLowerCase();
  if (action === 'oauth') return { kind: 'oauth', url: raw };
  if (action !== 'add') return { kind: 'invalid', reason: `unknown link action "${action.slice(0, 40)}"` };
  const target = validateServerUrl(u.searchParams.get('url') ?? '');
  if (!target.ok) return { kind: 'invalid', reason: `the link's server URL was refused: ${target.error}` };
  const name = validateName(u.searchParams.get('name') ?? undefined);
  if (!name.ok) return { kind: 'invalid', reason: `the link's server name was refused: ${name.error}` };
  return name.value ? { kind: 'add', url: target.value, name: name.value } : { kind: 'add', url: target.value };
}
