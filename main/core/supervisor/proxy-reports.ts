/**
 * What the services make of a proxy's reports, as supervisor options: the server's record keeps
 * what worked (transport, protocol era) and an automatically named server takes the name it gives
 * itself; the tool policy gives each proxy its snapshot and hears its listings and client hellos.
 */
import type { LogEvent } from '../../../common/contract';
import type { ServerRegistry } from '../servers/server-registry';
import type { ToolPolicyService } from '../tool-policy/tool-policy-service';
import type { SupervisorOptions } from './proxy-supervisor';

export function recordReports(
  registry: ServerRegistry,
  log: (server: string, level: LogEvent['level'], message: string) => void,
): Pick<SupervisorOptions, 'onTransport' | 'onProtocolEra' | 'onServerInfo'> {
  return {
    onTransport: (id, transport) => {
      if (registry.get(id)) registry.update(id, { transport });
    },
    onProtocolEra: (id, protocolEra) => {
      const r = registry.get(id);
      if (r && r.protocolEra !== protocolEra) registry.update(id, { protocolEra });
    },
    onServerInfo: (id, info) => {
      // A server named after its host (it needed sign-in first) takes its own name once known.
      const name = (info.title ?? info.name)?.slice(0, 64);
      if (name && registry.get(id)?.autoNamed) {
        registry.update(id, { name });
        log(id, 'info', `Named "${name}", as the server calls itself`);
      }
    },
  };
}

export function policyReports(policy: ToolPolicyService): Pick<SupervisorOptions, 'policyFor' | 'onDefinitions' | 'onClientHello'> {
  return {
    policyFor: (id) => policy.snapshot(id),
    onDefinitions: (id, kind, items) => policy.observe(id, kind, items),
    onClientHello: (id, hello) => policy.hello(id, hello),
  };
}
