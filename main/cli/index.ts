/**
 * `mcp-switchboard` command line (`npm run cli -- <command>` from a checkout). This first version
 * manages the server list and runs the headless host; client installation and sign-in commands
 * come with their engines.
 */
import type {
  AddServerInput,
  AppSettings,
  ClientApp,
  ImportCandidateView,
  InstallResult,
  InstallStatus,
  RemoveResult,
  ServerSummary,
  SignInMode,
} from '../../common/contract';
import { resolvePaths } from '../shared/paths';
import { runHeadless } from '../headless/index';
import { parseConnectArgs, readKeyFile, runConnect, say } from './connect';
import { reachHost } from './host-access';
import { inputFromRegistry, missingHeaders, runSearch, SEARCH_USAGE } from './search-command';
import { reviewHint, runTools, TOOLS_USAGE, UsageError } from './tools-command';

const USAGE = `usage: mcp-switchboard <command> [options]

  connect <url> [--header "Name: value"]... [--client-id ID] [--client-secret S] [--scope S] [--name N]
                                 a stdio MCP server for client configs, in place of
                                 "npx mcp-remote <url>": adds the server, signs in, relays;
                                 header values and S may use \${NAME}: read from connect's
                                 own environment (the client config's "env"), never argv.
                                 Without a user: --sign-in client-credentials (with --client-secret
                                 or --private-key-file PEM [--signing-alg ES256]); --sign-in
                                 enterprise with --idp-issuer URL --idp-client-id ID
                                 [--idp-client-secret S] [--idp-id-token T] (the company's IdP).
                                 Network: --proxy direct|system|http://[user:\${PASS}@]host:port,
                                 --ca-file PEM (besides the system's CAs)
  serve [--web [--port N]]       run the proxies in the foreground (no tray); with --web, the
                                 window in your browser on 127.0.0.1 (the link works once)
  list [--json]                  list the remote servers
  add <url> [--name N] [--header "Name: value"]... [--scope "a b"] [--json]
      [--sign-in browser|client-credentials|enterprise] [--client-id ID] [--client-secret-env VAR]
      [--private-key-file PEM] [--proxy direct|system|URL] [--ca-file PEM]
                                 add a remote server (values may use \${env:VAR}, kept as
                                 typed and read from the environment of the MCP Switchboard
                                 that runs the proxies; --scope adds OAuth scopes to ask for;
                                 the client secret is read from the variable VAR)
  remove <server id> [--keep-in-clients] [--json]
                                 remove a server and its entries in every client config
                                 (with --keep-in-clients: leave the client configs alone)
  clients [--json]               MCP clients on this computer and their config files
  install <server> --client <id> [--json]
                                 add the server to a client's config (other entries untouched)
  uninstall <server> --client <id> [--json]
                                 remove our entry for the server from a client's config
  status [--json]                every server x client: installed, stale, not installed, cannot install
  import [--yes] [--json]        find "npx mcp-remote <url>" entries; with --yes, add them as
                                 servers and replace the entries (a backup is kept)
${TOOLS_USAGE}
${SEARCH_USAGE}

Data directory: $MCP_SWITCHBOARD_HOME, else the platform's app data directory.
When MCP Switchboard runs (the app, or "serve"), every command goes through it, so a server added
here starts at once.`;

/** Thrown for an answer of the host that is an error: a sentence for the user, exit code 1. */
class CommandError extends Error {}

type Call = <T>(name: string, arg?: unknown) => Promise<T>;

/**
 * Runs calls of the contract through the running host when there is one (it owns the proxies, so
 * what it is told takes effect at once), else on a host built here without starting it. Either way
 * the same handler table does the work, so the command line and the window share the logic.
 */
async function withHost<T>(fn: (call: Call) => Promise<T>): Promise<T> {
  const access = await reachHost(process.env, resolvePaths(process.env));
  try {
    return await fn(async (name, arg) => {
      const r = await access.call(name, arg);
      if (!r.ok) throw new CommandError(r.error);
      return r.value as never;
    });
  } finally {
    await access.close();
  }
}

function takeOption(args: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = args.indexOf(name); i !== -1; i = args.indexOf(name)) {
    const v = args[i + 1];
    if (v === undefined) throw new CommandError(`${name} needs a value`);
    values.push(v);
    args.splice(i, 2);
  }
  return values;
}

/** `add`'s sign-in and network options (secrets from a file or a variable, never argv). */
function takeAccessOptions(args: string[]): Partial<AddServerInput> {
  const out: Partial<AddServerInput> = {};
  const one = (name: string) => takeOption(args, name).pop();
  const signIn = one('--sign-in');
  if (signIn !== undefined) {
    if (!['browser', 'client-credentials', 'enterprise'].includes(signIn))
      throw new CommandError('--sign-in must be browser, client-credentials or enterprise');
    out.signIn = signIn as SignInMode;
  }
  const clientId = one('--client-id');
  if (clientId) out.clientId = clientId;
  const secretVar = one('--client-secret-env');
  if (secretVar !== undefined) {
    const v = process.env[secretVar];
    if (v === undefined) throw new CommandError(`--client-secret-env: ${secretVar} is not set`);
    out.clientSecret = v;
  }
  const keyFile = one('--private-key-file');
  if (keyFile) out.privateKey = readKeyFile(keyFile);
  const alg = one('--signing-alg');
  if (alg) out.signingAlgorithm = alg;
  const proxy = one('--proxy');
  if (proxy) out.proxy = proxy;
  const ca = one('--ca-file');
  if (ca) out.caFile = ca;
  return out;
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
        await runConnect(parseConnectArgs(args, process.env, (m) => say(`warning: ${m}`)));
        return -1; // exit code set by the relay
      case 'serve': {
        const [port] = takeOption(args, '--port');
        if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535)) throw new CommandError('--port needs a port number');
        await runHeadless({ foreground: true, web: args.includes('--web') ? { open: true, port: Number(port ?? 0) } : undefined });
        return -1; // keeps running
      }
      case 'list': {
        const servers = await withHost((call) => call<ServerSummary[]>('servers:list'));
        const list = servers.map(({ id, name, url, enabled }) => ({ id, name, url, enabled }));
        out(
          list,
          list.length
            ? list.map((s) => `${s.id}\t${s.enabled ? 'enabled ' : 'disabled'}\t${s.name}\t${s.url}`).join('\n')
            : 'No servers yet: add one with "add <url>".',
        );
        return 0;
      }
      case 'add': {
        const names = takeOption(args, '--name');
        const scopes = takeOption(args, '--scope').join(' ') || undefined;
        const headers: Record<string, string> = {};
        for (const h of takeOption(args, '--header')) {
          const i = h.indexOf(':');
          if (i < 1) throw new CommandError(`--header "${h}" must look like "Name: value"`);
          headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
        }
        const access = takeAccessOptions(args);
        const from = takeOption(args, '--from').pop();
        const registry = takeOption(args, '--registry').pop();
        const url = from ? '' : args.shift();
        if ((!url && !from) || args.length)
          throw new CommandError(args.length ? `unexpected argument "${args[0]}"` : 'add needs a URL (or --from <registry name>)');
        const [s, settings] = await withHost(async (call) => {
          const base: AddServerInput = from ? await inputFromRegistry(from, registry, call) : { url: url! };
          if (from) {
            const missing = await missingHeaders(from, registry, headers, call);
            if (missing.length)
              throw new CommandError(`${from} needs the header${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: give --header "Name: value"`);
          }
          const input = { ...base, headers, ...(names[0] !== undefined ? { name: names[0] } : {}), ...(scopes ? { scopes } : {}), ...access };
          return [await call<ServerSummary>('servers:add', input), await call<AppSettings>('settings:get')] as const;
        });
        out(
          { id: s.id, name: s.name, url: s.url },
          `Added "${s.name}" as ${s.id}${settings.newServerTools === 'review' ? `\n${reviewHint(s.name, s.id)}` : ''}`,
        );
        return 0;
      }
      case 'remove': {
        const keep = args.includes('--keep-in-clients');
        if (keep) args.splice(args.indexOf('--keep-in-clients'), 1);
        const id = args.shift();
        if (!id || args.length) throw new CommandError(args.length ? `unexpected argument "${args[0]}"` : 'remove needs a server id (see "list")');
        const r = await withHost(async (call) => {
          if (!(await call<ServerSummary[]>('servers:list')).some((s) => s.id === id)) throw new CommandError(`No server "${id}" (see "list").`);
          return call<RemoveResult>('servers:remove', { serverId: id, keepInClients: keep });
        });
        const lines = [`Removed ${id}`];
        for (const u of r.uninstalled) lines.push(`  removed "${u.name}" from ${u.file}; ${u.restartHint}`);
        for (const f of r.failed) lines.push(`  could not edit ${f.clientId}: ${f.error}`);
        out({ removed: id, ...r }, lines.join('\n'));
        return 0;
      }
      case 'clients': {
        const list = await withHost((call) => call<ClientApp[]>('clients:list'));
        out(list, list.map((c) => `${c.id.padEnd(15)}${c.present ? 'found    ' : 'not found'}  ${c.configPath ?? '(none on this OS)'}`).join('\n'));
        return 0;
      }
      case 'install':
      case 'uninstall': {
        const clientIds = takeOption(args, '--client');
        const id = args.shift();
        if (!id || clientIds.length !== 1 || args.length) {
          console.error(`usage: ${cmd} <server id> --client <client id>`);
          return 2;
        }
        const r = await withHost((call) => call<InstallResult>(`clients:${cmd}`, { serverId: id, clientId: clientIds[0] }));
        const verb =
          cmd === 'install'
            ? r.changed
              ? `Installed "${id}" as "${r.name}" in`
              : `"${id}" was already installed in`
            : r.changed
              ? `Removed "${r.name}" from`
              : `"${id}" was not installed in`;
        out(r, `${verb} ${r.file}${r.backup ? `\nBackup: ${r.backup}` : ''}${r.changed ? `\n${r.restartHint}` : ''}`);
        return 0;
      }
      case 'status': {
        const rows = await withHost((call) => call<InstallStatus[]>('clients:status', {}));
        out(
          rows,
          rows.length
            ? rows
                .map(
                  (r) =>
                    `${r.serverId}\t${r.clientId}\t${r.state}${'name' in r ? `\t${r.name}` : ''}${'reason' in r ? `\t${r.reason}` : ''}${'detail' in r ? `\t${r.detail}` : ''}`,
                )
                .join('\n')
            : 'No servers yet.',
        );
        return 0;
      }
      case 'import': {
        const yes = args.includes('--yes');
        return await withHost(async (call) => {
          const found = await call<ImportCandidateView[]>('clients:find-imports');
          if (!yes) {
            out(
              found,
              found.length
                ? found.map((f) => `${f.clientId}\t${f.entryName}\t${f.url}`).join('\n') + '\nRun "import --yes" to manage them here.'
                : 'No mcp-remote entries found.',
            );
            return 0;
          }
          const hints = new Map((await call<ClientApp[]>('clients:list')).map((c) => [c.id, c.restartHint]));
          const done = [];
          for (const f of found) {
            const server = await call<ServerSummary>('clients:import', { clientId: f.clientId, entryName: f.entryName });
            done.push({ clientId: f.clientId, name: f.entryName, file: f.file, serverId: server.id, url: f.url, restartHint: hints.get(f.clientId) ?? '' });
          }
          out(
            done,
            done.length
              ? done.map((d) => `${d.clientId}: "${d.name}" now runs ${d.serverId} (a backup of ${d.file} was kept)\n  ${d.restartHint}`).join('\n')
              : 'No mcp-remote entries found.',
          );
          return 0;
        });
      }
      case 'search': {
        const registry = takeOption(args, '--registry').pop();
        const query = args.join(' ').trim();
        if (!query) throw new CommandError('search needs words to look for');
        const r = await withHost((call) => runSearch(query, registry, call));
        out(r.value, r.text);
        return 0;
      }
      case 'tools': {
        let r: { value: unknown; text: string };
        try {
          r = await withHost((call) => runTools(args, call));
        } catch (err) {
          if (!(err instanceof UsageError)) throw err;
          console.error(`${err.message}\nusage:\n${TOOLS_USAGE}`);
          return 2;
        }
        out(r.value, r.text);
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
    return err instanceof CommandError ? 1 : 70;
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
