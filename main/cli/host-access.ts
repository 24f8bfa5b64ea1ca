/**
 * How the command line reaches the app's core: through the running host's control socket when a
 * host runs for this data directory (the app, the headless host or a `connect`), so that the host
 * that owns the proxies makes every change; otherwise a host built in this process by the same
 * factory (createHost), which `connect` starts and the other commands use without starting (no
 * proxies, no lock: they only edit settings and client configs, and a host that starts later reads
 * them).
 */
import * as fs from 'node:fs';
import type { Result } from '../../common/contract';
import type { Host } from '../core/host';
import { InstanceLockedError } from '../core/instance-lock';
import { openSettingsStore } from '../core/settings-store';
import { headlessPorts } from '../headless/headless-host';
import { createHost } from '../core/host';
import { ControlClient } from '../shared/control-client';
import type { Paths } from '../shared/paths';

export type Call = <T>(name: string, arg?: unknown) => Promise<Result<T>>;

export interface HostAccess {
  call: Call;
  /** The host in this process, when no other host was running. */
  local?: Host;
  close(): Promise<void>;
}

function readSecret(paths: Paths): string | undefined {
  try {
    return fs.readFileSync(paths.secretFile, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function remote(client: ControlClient): HostAccess {
  return {
    call: (name, arg) => client.call(name, arg),
    close: async () => client.close(),
  };
}

/** The running host's control connection, or undefined when none answers. */
export function connectToRunningHost(paths: Paths): Promise<ControlClient | undefined> {
  return ControlClient.connect(paths, readSecret(paths));
}

/**
 * Commands that change settings or client configs: the running host, else an unstarted host here.
 */
export async function reachHost(env: NodeJS.ProcessEnv, paths: Paths): Promise<HostAccess> {
  const client = await connectToRunningHost(paths);
  if (client) return remote(client);
  const host = createHost({ ...headlessPorts({ env, paths, autoSignIn: false }), settings: openSettingsStore(paths, { watch: false }) });
  return { call: host.call as Call, local: host, close: () => host.dispose() };
}

/**
 * `connect`: the running host, else a host started in this process (it runs the proxies while the
 * client is connected); when another host wins the race to start, that one.
 */
export async function reachOrStartHost(env: NodeJS.ProcessEnv, paths: Paths, say: (message: string) => void): Promise<HostAccess> {
  const client = await connectToRunningHost(paths);
  if (client) {
    say('using the running MCP Switchboard');
    return remote(client);
  }
  const host = createHost(headlessPorts({ env, paths, autoSignIn: true }));
  try {
    await host.start();
  } catch (err) {
    await host.dispose().catch(() => {});
    if (!(err instanceof InstanceLockedError)) throw err;
    const other = await connectToRunningHost(paths);
    if (!other) throw new Error('MCP Switchboard is starting elsewhere but does not answer; try again', { cause: err });
    say('using the MCP Switchboard that started meanwhile');
    return remote(other);
  }
  const security = host.core.vaultSecurity;
  if (security && !security.secure) say(security.warning ?? `tokens are stored without encryption (${security.backend})`);
  return { call: host.call as Call, local: host, close: () => host.dispose() };
}
