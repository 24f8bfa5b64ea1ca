/**
 * `mcp-switchboard://install?registry=…&name=…`: the registry's entry becomes a proposal for the
 * add flow, which shows where it came from and what will be added; nothing is added by the link.
 * Only registries in Settings ▸ Registries are asked (by id, or by their URL): a link cannot make
 * the app fetch from an address the user never chose. A link that cannot be followed still
 * reaches the window, with the reason.
 */
import type { AddProposal, RegistrySource } from '../../../common/contract';
import { plainText } from './registry-entry';
import type { RegistryService } from './registry-service';

function sameRegistry(source: RegistrySource, given: string): boolean {
  if (source.id === given) return true;
  try {
    const a = new URL(source.url);
    const b = new URL(given);
    return a.origin === b.origin && a.pathname.replace(/\/+$/, '') === b.pathname.replace(/\/+$/, '').replace(/\/v0(\.\d+)?\/servers$/, '');
  } catch {
    return false;
  }
}

export async function proposalFromInstallLink(link: { registry: string; name: string; link: string }, registries: RegistryService): Promise<AddProposal> {
  const base = { url: '', link: link.link };
  const source = (await registries.sources()).find((s) => sameRegistry(s, link.registry));
  if (!source) {
    return {
      ...base,
      problem: `The link names a registry that is not in Settings ▸ Registries (${plainText(link.registry, 100)}). Add it there first if you trust it, then open the link again.`,
    };
  }
  try {
    const entry = await registries.entry(source.id, link.name);
    return { url: entry.remotes[0]!.url, name: entry.title ?? entry.name.split('/')[1], entry, link: link.link };
  } catch (err) {
    return { ...base, problem: `The link asks for ${plainText(link.name, 100)} from ${source.name}, but: ${(err as Error).message}` };
  }
}
