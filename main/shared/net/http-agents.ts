/**
 * node:http(s) agents for a network configuration, for the code that speaks plain node:http (the
 * proxy's keep-alive fast path, the health check, the add-flow probe): direct agents carry the
 * trusted CAs; through a proxy, `https-proxy-agent` (CONNECT, then TLS to the server with the same
 * CAs) and `http-proxy-agent` (absolute-form requests), both loaded only when a proxy is in use.
 * Agents are cached per configuration, protocol and keep-alive.
 */
import * as http from 'node:http';
import type * as Https from 'node:https';
import { caFor, networkKey, type NetworkConfig } from './network-config';
import { proxyUrlWithCredentials } from './proxy-route';

const agents = new Map<string, http.Agent>();

type ConnectOptions = Parameters<import('https-proxy-agent').HttpsProxyAgent<string>['connect']>[1];

export interface AgentOptions {
  keepAlive: boolean;
  maxSockets?: number;
}

/**
 * The agent for requests to `url` under `net`; undefined means Node's global agent (no
 * configuration, or a plain-http request that needs nothing special).
 */
export function agentFor(url: URL, net: NetworkConfig | undefined, o: AgentOptions): http.Agent | undefined {
  if (!net) return undefined;
  const secure = url.protocol === 'https:';
  const route = net.route;
  if (route.kind === 'direct' && !secure && !o.keepAlive) return undefined;
  const key = `${url.protocol}|${o.keepAlive ? 'k' : '-'}|${o.maxSockets ?? ''}|${networkKey(net)}`;
  let agent = agents.get(key);
  if (agent) return agent;
  // Plain http straight to the server has no TLS: reading the system store (tens of ms) would be waste.
  const ca = secure || route.kind !== 'direct' ? caFor(net) : undefined;
  const base = { keepAlive: o.keepAlive, ...(o.maxSockets ? { maxSockets: o.maxSockets } : {}), ...(ca ? { ca } : {}) };
  if (route.kind === 'direct') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    agent = secure ? new (require('node:https') as typeof Https).Agent(base) : new http.Agent(base);
  } else if (secure) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { HttpsProxyAgent } = require('https-proxy-agent') as typeof import('https-proxy-agent');
    // https-proxy-agent keeps its constructor's `ca` for the TLS to the proxy only: the TLS to the
    // server through the tunnel takes the request's options, so the CAs are added there.
    class TrustingProxyAgent extends HttpsProxyAgent<string> {
      override connect(req: http.ClientRequest, opts: ConnectOptions) {
        return super.connect(req, ca ? ({ ...opts, ca } as ConnectOptions) : opts);
      }
    }
    agent = new TrustingProxyAgent(proxyUrlWithCredentials(route).href, base);
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { HttpProxyAgent } = require('http-proxy-agent') as typeof import('http-proxy-agent');
    agent = new HttpProxyAgent(proxyUrlWithCredentials(route), base);
  }
  if (agents.size > 64) {
    for (const a of agents.values()) a.destroy();
    agents.clear();
  }
  agents.set(key, agent);
  return agent;
}
