/**
 * Entry of the stdio connector that MCP clients start:
 *   <app executable> <connector script> <server id>        (ELECTRON_RUN_AS_NODE=1)
 *   node out/connector/index.js <server id>                 (from a checkout, tests)
 * Node built-ins only: it must start fast. See relay.ts.
 */
import { runRelay } from './relay';

const serverId = process.argv[2];
if (!serverId || !/^[A-Za-z0-9._-]{1,64}$/.test(serverId)) {
  process.stderr.write('usage: connector <server id>\n');
  process.exit(2);
}
runRelay({ serverId, env: process.env, launchApp: true, exit: (code) => process.exit(code) });
