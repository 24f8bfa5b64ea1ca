/**
 * `mcp-switchboard` command line (`npm run cli -- <command>` from a checkout). This first version
 * manages the server list and runs the headless host; client installation and sign-in commands
 * come with their engines.
 */
import Conf from 'conf';
import { resolvePaths } from '../core/paths';
import { ServerRegistry, ServerRegistryError } from '../core/servers/server-registry';
import { runHeadless } from '../headless/index';
import { parseConnectArgs, runConnect } from './connect';

const USAGE = `usage: mcp-switchboard <command> [options]

  connect <url> [--header "Name: value"]... [--client-id ID] [--client-secret S] [--name N]
                                 a stdio MCP server for client configs, in place of
                                 "npx mcp-remote <url>": adds the server, signs in, relays
  serve                          run the proxies in the foreground (no window, no tray)
  list [--json]                  list the remote servers
  add <url> [--name N] [--header "Name: value"]... [--json]
                                 add a remote server (values may use \${env:VAR})
  remove <server id>             remove a server

Data directory: $MCP_SWITCHBOARD_HOME, else the platform's app data directory.
A running app picks up list changes when it restarts.`;

function registry(): ServerRegistry {
  const paths = resolvePaths(process.env);
  return new ServerRegistry(new Conf({ cwd: paths.dataDir, configName: 'settings', projectName: 'mcp-switchboard', projectSuffix: '' }));
}

function takeOption(args: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = args.indexOf(name); i !== -1; i = args.indexOf(name)) {
    const v = args[i + 1];
    if (v === undefined) throw new ServerRegistryError(`${name} needs a value`);
    values.push(v);
    args.splice(i, 2);
  }
  return values;
}

export async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const json = args.includes('--json');
  if (json) args.splice(args.indexOf('--json'), 1);
  const cmd = args.shift();
  const out = (value: unknown, text: string) => console.log(json ? JSON.stringify(value, null, 2) : text);
  try {
    switch (cmd) {
      case 'connect':
        await runConnect(parseConnectArgs(args));
        return -1; // exit code set by the relay
      case 'serve':
        await runHeadless({ foreground: true });
        return -1; // keeps running
      case 'list': {
        const list = registry().list().map(({ id, name, url, enabled }) => ({ id, name, url, enabled }));
        out(list, list.length ? list.map((s) => `${s.id}\t${s.enabled ? 'enabled ' : 'disabled'}\t${s.name}\t${s.url}`).join('\n') : 'No servers yet: add one with "add <url>".');
        return 0;
      }
      case 'add': {
        const names = takeOption(args, '--name');
        const headers: Record<string, string> = {};
        for (const h of takeOption(args, '--header')) {
          const i = h.indexOf(':');
          if (i < 1) throw new ServerRegistryError(`--header "${h}" must look like "Name: value"`);
          headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
        }
        const url = args.shift();
        if (!url || args.length) throw new ServerRegistryError(args.length ? `unexpected argument "${args[0]}"` : 'add needs a URL');
        const s = registry().add({ url, name: names[0], headers });
        out({ id: s.id, name: s.name, url: s.url }, `Added "${s.name}" as ${s.id}`);
        return 0;
      }
      case 'remove': {
        const id = args.shift();
        if (!id) throw new ServerRegistryError('remove needs a server id (see "list")');
        registry().remove(id);
        out({ removed: id }, `Removed ${id}`);
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
        console.log(USAGE);
        return cmd ? 0 : 2;
      default:
        console.error(`unknown command "${cmd}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    const message = (err as Error).message;
    if (json) console.log(JSON.stringify({ error: message }));
    else console.error(`error: ${message}`);
    return err instanceof ServerRegistryError ? 1 : 70;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    const exitCode = code >= 0 ? code : process.exitCode;
    if (exitCode === undefined) return; // serve keeps running
    // Exit only once stdout has drained: output to a pipe is asynchronous.
    process.stdout.write('', () => process.exit(Number(exitCode)));
  });
}
