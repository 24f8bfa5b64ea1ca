/**
 * Changes to the server list beyond a plain add: what `connect` means by a URL and its header
 * values (found, updated or added; values compared here, never sent back), the add flow's draft
 * (kept once signed in, or discarded with everything it left), and the Edit form (header values
 * and the client secret write-only; a new address or client signs out of the old one).
 */
import type { AddServerInput, FindOrAddResult, LogLevel, ServerSummary, UpdateServerInput, UpdateServerResult } from '../../../common/contract';
import type { TokenBroker } from '../auth/token-broker';
import type { NetworkPlanner } from '../network/network-planner';
import type { ProxyFleet } from '../supervisor/proxy-fleet';
import { planEdit } from './server-edit';
import { matchServer, sameSecret } from './server-match';
import { validateHeaders, validateServerUrl, type ServerRecord } from './server-model';
import type { ServerRegistry } from './server-registry';

export interface ServerChangesOptions {
  registry: ServerRegistry;
  tokens: TokenBroker;
  fleet: ProxyFleet;
  /** The vault's proxy passwords (network/network-planner.ts). */
  network: Pick<NetworkPlanner, 'canStoreProxyPasswords' | 'storeProxyPassword'>;
  log(server: string, level: LogLevel, message: string): void;
  summary(record: ServerRecord): ServerSummary;
  addServer(input: AddServerInput): Promise<ServerSummary>;
  setEnabled(serverId: string, enabled: boolean): Promise<ServerSummary>;
  /** Forgets a server's log (and what it knows of its connections). */
  forgetLog(serverId: string): void;
}

export class ServerChanges {
  constructor(private readonly opts: ServerChangesOptions) {}

  /**
   * The server `connect` means (servers:find-or-add, servers/server-match.ts): found, updated (the
   * same name, other header values or client secret) or added; then turned on. Header values and
   * the client secret are compared here and never sent back.
   */
  async findOrAdd(input: AddServerInput): Promise<FindOrAddResult> {
    const url = validateServerUrl(input?.url);
    if (!url.ok) throw new Error(url.error);
    const headers = validateHeaders(input.headers);
    if (!headers.ok) throw new Error(headers.error);
    const match = matchServer(this.opts.registry.list(), { url: url.value, name: input.name, headers: headers.value });
    if (match.kind === 'none') return { serverId: (await this.opts.addServer(input)).id, outcome: 'added' };
    let record = match.record;
    let outcome: FindOrAddResult['outcome'] = 'found';
    if (match.kind === 'named') {
      record = this.opts.registry.update(record.id, { headers: headers.value });
      outcome = 'updated';
      this.opts.log(record.id, 'info', `Header values replaced: \`connect\` named this server with other values`);
    }
    if (input.clientSecret && record.clientId) {
      const stored = await this.opts.tokens.clientSecret(record.id);
      if (stored === undefined || !sameSecret(stored, input.clientSecret)) {
        await this.opts.tokens.storeClientSecret(record.id, input.clientSecret);
        outcome = 'updated';
        this.opts.log(record.id, 'info', `Client secret replaced: \`connect\` gave another one`);
      }
    }
    if (!record.enabled) await this.opts.setEnabled(record.id, true);
    else if (match.kind === 'named') await this.opts.fleet.startIfHosting(record);
    return { serverId: record.id, outcome };
  }

  /** The add flow is done (signed in, or "keep without signing in"): the draft is saved and started. */
  async keep(serverId: string): Promise<ServerSummary> {
    const record = this.opts.registry.keep(serverId);
    this.opts.log(record.id, 'info', `Added ${record.url}`);
    this.opts.tokens.keepFresh();
    await this.opts.fleet.startIfHosting(record);
    return this.opts.summary(record);
  }

  /** The add flow was abandoned: the draft, its sign-in, client secret and log are forgotten. */
  async discard(serverId: string): Promise<void> {
    if (!this.opts.registry.isDraft(serverId)) throw new Error(`"${serverId}" is not a server being added; remove it instead.`);
    this.opts.tokens.cancelSignIn(serverId);
    await this.opts.tokens.forget(serverId);
    this.opts.registry.discard(serverId);
    this.opts.forgetLog(serverId);
  }

  /**
   * The Edit form: name, address, header values (write-only), scopes, the pre-registered client,
   * the network (its own proxy, its password in the vault; a CA file). A new address or client ID
   * resets the sign-in made for the old one; a changed address, header or network restarts the
   * proxy. The log names what changed, never a value.
   */
  async update(input: UpdateServerInput): Promise<UpdateServerResult> {
    const record = this.opts.registry.get(input.serverId);
    if (!record || this.opts.registry.isDraft(input.serverId)) throw new Error(`No server "${input.serverId}".`);
    const plan = planEdit(record, input);
    const clientId = plan.patch.clientId !== undefined ? plan.patch.clientId || undefined : record.clientId;
    if (typeof input.clientSecret === 'string' && !clientId) throw new Error('A client secret needs its client ID.');
    if (typeof input.clientSecret === 'string' && !this.opts.tokens.canStoreClientSecrets) throw new Error('This host cannot store a client secret.');
    if (typeof plan.proxyPassword === 'string' && !this.opts.network.canStoreProxyPasswords) throw new Error('This host cannot store a proxy password.');
    if (plan.changes.length === 0) return { server: this.opts.summary(record), signedOut: false };
    const before = await this.opts.tokens.authConfig(record.id);
    const next = Object.keys(plan.patch).length ? this.opts.registry.edit(record.id, plan.patch) : record;
    if (typeof input.clientSecret === 'string') await this.opts.tokens.setClientSecret(record.id, input.clientSecret);
    else if (input.clientSecret === null || !clientId) await this.opts.tokens.setClientSecret(record.id, undefined);
    if (plan.proxyPassword !== undefined && this.opts.network.canStoreProxyPasswords) await this.opts.network.storeProxyPassword(record.id, plan.proxyPassword);
    const signedIn = ['signed-in', 'error', 'signing-in'].includes(this.opts.tokens.signInState(record.id));
    let signedOut = false;
    if (plan.resetsSignIn && signedIn) {
      await this.opts.tokens
        .resetSignIn(record.id, before)
        .catch((err: Error) => this.opts.log(record.id, 'warn', `Could not sign out of the old address: ${err.message}`));
      signedOut = true;
    }
    this.opts.log(record.id, 'info', `Edited: ${plan.changes.join(', ')}${signedOut ? '; signed out (sign in again for the new address or client)' : ''}`);
    // A proxy password changes in the vault only: the running proxy was started with the old one.
    await this.opts.fleet.applyChanges(next, { restart: plan.proxyPassword !== undefined });
    this.opts.tokens.keepFresh();
    return { server: this.opts.summary(this.opts.registry.get(record.id)!), signedOut };
  }
}
