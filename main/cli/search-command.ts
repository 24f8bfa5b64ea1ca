/**
 * `search <words> [--registry <id>]` and `add --from <registry name> [--registry <id>]`: the
 * registries of Settings ▸ Registries from the command line, through the same contract calls as
 * the add flow (registry:sources, registry:search, registry:entry), so results are cleaned and
 * tagged by the core the same way, and an added server remembers its registry for updates.
 */
import type { AddServerInput, RegistryEntry, RegistryPage, RegistrySource } from '../../common/contract';

export type Call = <T>(name: string, arg?: unknown) => Promise<T>;

export const SEARCH_USAGE = `  search <words> [--registry <id>] [--json]
                                 servers with a remote address in your registries (the MCP
                                 Registry and those of Settings ▸ Registries), each registry's
                                 answer or the reason it gave none
  add --from <registry name> [--registry <id>] [--header "Name: value"]... [--name N]
                                 add a server a registry lists (its latest version), e.g.
                                 add --from io.github.acme/issues --header "X-Api-Key: \${env:ACME_KEY}"`;

export interface SearchOutcome {
  value: Array<{ registry: string; entries?: RegistryEntry[]; more?: boolean; error?: string }>;
  text: string;
}

function which(sources: RegistrySource[], id: string | undefined): RegistrySource[] {
  if (id === undefined) return sources.filter((s) => s.enabled);
  const found = sources.filter((s) => s.id === id || s.name === id);
  if (!found.length) throw new Error(`no registry "${id}" (known: ${sources.map((s) => s.id).join(', ')})`);
  return found;
}

export async function runSearch(query: string, registry: string | undefined, call: Call): Promise<SearchOutcome> {
  const sources = which(await call<RegistrySource[]>('registry:sources'), registry);
  if (!sources.length) return { value: [], text: 'No registry is turned on (Settings ▸ Registries).' };
  const answers = await Promise.all(
    sources.map(async (s) => {
      try {
        const page = await call<RegistryPage>('registry:search', { registryId: s.id, query });
        return { registry: s.name, entries: page.entries, more: !!page.nextCursor };
      } catch (err) {
        return { registry: s.name, error: (err as Error).message };
      }
    }),
  );
  const lines: string[] = [];
  for (const a of answers) {
    if (a.error) lines.push(`${a.registry}: ${a.error}`);
    else if (!a.entries!.length) lines.push(`${a.registry}: no servers with a remote address match "${query}"`);
    else
      for (const e of a.entries!) {
        const secrets = e.remotes[0]!.headers.filter((h) => h.required).map((h) => `${h.name}${h.secret ? ' (secret)' : ''}`);
        lines.push(`${e.name}\t${e.version}\t${e.title ?? ''}\t${e.remotes[0]!.url}\t[${a.registry}]${secrets.length ? `\tneeds ${secrets.join(', ')}` : ''}`);
      }
    if (a.more) lines.push(`${a.registry}: more results; narrow the words`);
  }
  return { value: answers, text: lines.join('\n') };
}

/** `add --from`: the entry's latest version as an add input (its first remote; the headers given). */
export async function inputFromRegistry(name: string, registry: string | undefined, call: Call): Promise<AddServerInput> {
  const sources = which(await call<RegistrySource[]>('registry:sources'), registry ?? 'official');
  const entry = await call<RegistryEntry>('registry:entry', { registryId: sources[0]!.id, name });
  const remote = entry.remotes[0]!;
  if (/\{[^}]+\}/.test(remote.url)) throw new Error(`${entry.name}'s address has parts to fill in (${remote.url}): add it with "add <url>" once filled in.`);
  return {
    url: remote.url,
    name: entry.title ?? entry.name.split('/')[1],
    origin: { registryId: entry.registryId, name: entry.name, version: entry.version },
  };
}

/** Required headers of the entry that `headers` does not give (named in the error). */
export async function missingHeaders(name: string, registry: string | undefined, headers: Record<string, string>, call: Call): Promise<string[]> {
  const sources = which(await call<RegistrySource[]>('registry:sources'), registry ?? 'official');
  const entry = await call<RegistryEntry>('registry:entry', { registryId: sources[0]!.id, name });
  const given = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
  return entry.remotes[0]!.headers.filter((h) => h.required && !given.has(h.name.toLowerCase())).map((h) => h.name);
}
