/**
 * Entry of out/headless/index.js: the headless host as its own process (started in the background
 * by a connector from a checkout). A separate file so that bundles importing runHeadless (the
 * command line) do not start a host just by loading it.
 */
import { runHeadless } from './index';

runHeadless({ foreground: process.stderr.isTTY }).catch((err) => {
  console.error(`MCP Switchboard headless host failed: ${(err as Error).message}`);
  process.exit(1);
});
