/**
 * Links to the app (mcp-switchboard://…), parsed without trusting anything in them. A link can
 * only propose: `add` pre-fills the add-server form, and the user still has to confirm.
 *   mcp-switchboard://add?url=<https URL>[&name=<display name>]
 *   mcp-switchboard://install?registry=<registry id or URL>&name=<registry name of the server>
 *   mcp-switchboard://oauth/callback?…   (sign-in redirect of pre-registered native clients)
 */
import { validateName, validateServerUrl } from './servers/server-model';

export type AppLink =
  | { kind: 'oauth'; url: string }
  | { kind: 'add'; url: string; name?: string }
  /** A server of a registry (`official`, the id or URL of one in Settings ▸ Registries), by its registry name. */
  | { kind: 'install'; registry: string; name: string; link: string }
  | { kind: 'invalid'; reason: string };

/** A registry name (reverse-DNS namespace / server), as the registry's schema has it. */
const REGISTRY_NAME = /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/;

export const MAX_LINK_LENGTH = 4096;

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A reason is shown to the user: text from the link inside it must not break lines or flip its direction. */
function refuse(reason: string): AppLink {
  const clean = reason.replace(UNPRINTABLE, '\uFFFD');
  return { kind: 'invalid', reason: clean.length > 300 ? `${clean.slice(0, 300)}…` : clean };
}

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
  if (action === 'install') {
    const registry = (u.searchParams.get('registry') ?? 'official').trim();
    const name = u.searchParams.get('name') ?? '';
    if (!REGISTRY_NAME.test(name) || name.length > 200) return refuse("the link's server name is not a registry name (namespace/name)");
    if (!registry || registry.length > 2048 || new RegExp(UNPRINTABLE.source).test(registry)) return refuse("the link's registry was refused");
    return { kind: 'install', registry, name, link: raw };
  }
  if (action !== 'add') return refuse(`unknown link action "${action.slice(0, 40)}"`);
  const target = validateServerUrl(u.searchParams.get('url') ?? '');
  if (!target.ok) return refuse(`the link's server URL was refused: ${target.error}`);
  const rawName = u.searchParams.get('name') ?? undefined;
  // Direction overrides in a proposed name could make it read as something else in the dialog.
  if (rawName !== undefined && new RegExp(UNPRINTABLE.source).test(rawName))
    return refuse("the link's server name was refused: it contains invisible or direction-changing characters");
  const name = validateName(rawName);
  if (!name.ok) return refuse(`the link's server name was refused: ${name.error}`);
  return name.value ? { kind: 'add', url: target.value, name: name.value } : { kind: 'add', url: target.value };
}
