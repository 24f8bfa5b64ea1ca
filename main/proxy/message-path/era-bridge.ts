/**
 * The protocol-era bridge: makes a client of one era work with a server of the other. The
 * client's first message tells its era (a 2026-07-28 request carries the envelope in `_meta`; a
 * 2025 client starts with `initialize`), the health checks tell the server's (it answered
 * `server/discover`, or only `initialize`). Then, for this connection:
 * - same era, or the server's not known: the messages pass unchanged;
 * - a 2025 client, a 2026-07-28 server: legacy-client-bridge.ts;
 * - a 2026-07-28 client, a 2025 server: modern-client-bridge.ts.
 * A server that speaks both eras is spoken to in the newer one: that keeps what the stateless era
 * does better for a proxy (input requests inside results, list changes on one stream) even for an
 * old client. What each connection speaks goes to the host (the server page shows it) and the log.
 */
import type { ProtocolEra, ProtocolInUse } from '../../../common/protocol-versions';
import { envelopeVersion, isModernRequest, isRequest, isResponse, type JsonRpcId, type JsonRpcMessage } from '../../shared/mcp-http';
import { LegacyClientBridge } from './legacy-client-bridge';
import { ModernClientBridge } from './modern-client-bridge';
import { messagesOf, type Stage, type StageFactory, type StageLink, type ToClient, type ToServer } from './stage';

export interface BridgeOptions {
  serverName: string;
  /** The server's era as the health checks found it (waits for a check under way); undefined: not known. */
  upstreamEra(): Promise<ProtocolEra | undefined>;
  /** What this connection speaks, once known. */
  onProtocol?(p: ProtocolInUse): void;
  log?(level: 'debug' | 'info' | 'warn', message: string): void;
  /** How long the bridge waits for the server's answer to a question of its own (discover, initialize). */
  timeoutMs: number;
}

export function eraBridge(opts: BridgeOptions): StageFactory {
  return (link) => new EraBridge(link, opts);
}

export class EraBridge implements Stage {
  /** The bridge in use; undefined while deciding, and when the messages pass unchanged. */
  private bridge?: Stage;
  private decided = false;
  private deciding?: Promise<void>;
  /** Same era: the client's initialize, whose answer names the revision both speak. */
  private initializeId?: JsonRpcId;
  private closed = false;

  constructor(
    private readonly link: StageLink,
    private readonly opts: BridgeOptions,
  ) {}

  fromClient(m: ToServer): Promise<void> | void {
    if (this.decided) return this.bridge ? this.bridge.fromClient!(m) : this.link.toServer(m);
    // The first message decides; the ones that arrive meanwhile wait, in order.
    this.deciding ??= this.decide(messagesOf(m)[0]!);
    return this.deciding.then(() => (this.closed ? undefined : this.fromClient(m)));
  }

  fromServer(m: ToClient): void {
    if (this.bridge) return this.bridge.fromServer!(m);
    const msg = m.message;
    if (this.initializeId !== undefined && isResponse(msg) && msg.id === this.initializeId) {
      this.initializeId = undefined;
      const v = msg.result?.protocolVersion;
      if (typeof v === 'string') this.opts.onProtocol?.({ server: v, client: v, bridged: false });
    }
    this.link.toClient(m);
  }

  close(): void | Promise<void> {
    this.closed = true;
    return this.bridge?.close?.();
  }

  private async decide(first: JsonRpcMessage): Promise<void> {
    const clientEra: ProtocolEra = isModernRequest(first) ? 'modern' : 'legacy';
    const serverEra = await this.opts.upstreamEra().catch(() => undefined);
    this.decided = true;
    if (this.closed) return;
    if (serverEra === undefined) {
      this.opts.log?.('debug', `The server's protocol era is not known yet; passing the ${clientEra} client's messages unchanged`);
      return;
    }
    if (serverEra === clientEra) {
      if (clientEra === 'legacy' && isRequest(first) && first.method === 'initialize') this.initializeId = first.id;
      const v = envelopeVersion(first);
      if (clientEra === 'modern' && v !== undefined) this.opts.onProtocol?.({ server: v, client: v, bridged: false });
      return;
    }
    this.bridge = clientEra === 'legacy' ? new LegacyClientBridge(this.link, this.opts) : new ModernClientBridge(this.link, this.opts);
  }
}
