/** A server as the window and every host show it: its record, its sign-in and its proxy's status. */
import type { ServerStatus, ServerSummary } from '../../../common/contract';
import type { TokenBroker } from '../auth/token-broker';
import type { ServerRecord } from './server-model';

export type SignInFacts = Pick<TokenBroker, 'expiresAt' | 'account' | 'renewsAutomatically' | 'signInState'>;

export function serverSummary(r: ServerRecord, status: ServerStatus, tokens: SignInFacts): ServerSummary {
  const expiresAt = tokens.expiresAt(r.id);
  const account = tokens.account(r.id);
  const renews = tokens.renewsAutomatically(r.id);
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    enabled: r.enabled,
    headerNames: Object.keys(r.headers),
    status,
    signIn: tokens.signInState(r.id),
    ...(expiresAt !== undefined ? { tokenExpiresAt: expiresAt } : {}),
    ...(account !== undefined ? { account } : {}),
    ...(renews !== undefined ? { renewsAutomatically: renews } : {}),
    ...(r.clientId ? { clientId: r.clientId } : {}),
    ...(r.scopes ? { scopes: r.scopes } : {}),
    standIns: r.standIns !== false,
    ...(r.standInsOffFor?.length ? { standInsOffFor: [...r.standInsOffFor] } : {}),
    ...(r.proxy ? { proxy: shownProxy(r.proxy) } : {}),
    ...(r.caFile ? { caFile: r.caFile } : {}),
  };
}

/** The proxy as the window shows it: stored without its password (networkFields), and one written into settings.json by hand loses it here. */
function shownProxy(proxy: string): string {
  if (proxy === 'direct') return proxy;
  try {
    const u = new URL(proxy);
    u.password = '';
    return u.href.replace(/\/$/, '');
  } catch {
    return 'an invalid proxy address';
  }
}
