/**
 * One network configuration for every outbound request of the app: the route (direct, or an HTTP
 * proxy with its credentials) and the trust (system store, extra CAs). The main process builds it
 * per server (network-plan.ts in main/core) and hands it to that server's proxy child over the fork
 * channel; the probe and the sign-in engine use the same shape in main. Nothing here reads the
 * environment: who decides is main.
 */
import type { ProxyRoute } from './proxy-route';
import { caBundle, type TrustConfig } from './trust';

export interface NetworkConfig extends TrustConfig {
  route: ProxyRoute;
}

/** A key that tells two configurations apart (for caches of agents and dispatchers; in memory only). */
export function networkKey(net: NetworkConfig): string {
  const r = net.route;
  const route = r.kind === 'direct' ? 'direct' : `${r.url}|${r.username ?? ''}|${r.password ?? ''}`;
  return `${route}|${net.systemCa === false ? '-' : 's'}|${(net.extraCa ?? []).join('')}`;
}

/** The `ca` option for TLS under this configuration (undefined: Node's default). */
export function caFor(net: NetworkConfig | undefined): string[] | undefined {
  return net ? caBundle(net) : undefined;
}
