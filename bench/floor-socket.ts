/**
 * The floor bench's way straight into a proxy (bench/floor.mjs): the real handshake
 * (main/shared/handshake.ts) on the server's endpoint, then the raw socket. bench/floor.mjs bundles
 * this file with esbuild into the bench's temp dir, as run.mjs does with bench/host.ts.
 */
import * as fs from 'node:fs';
import type * as net from 'node:net';
import { connectToEndpoint } from '../main/shared/handshake';
import { endpointFor, resolvePaths } from '../main/shared/paths';

/** A connection to `serverId`'s proxy for the data directory in `env` (MCP_SWITCHBOARD_HOME), handshake done. */
export async function connectProxy(serverId: string, env: NodeJS.ProcessEnv): Promise<{ socket: net.Socket; rest: Buffer }> {
  const paths = resolvePaths(env);
  const secret = fs.readFileSync(paths.secretFile, 'utf8').trim();
  return connectToEndpoint(endpointFor(paths, serverId), { secret, server: serverId, client: 'bench floor' });
}
