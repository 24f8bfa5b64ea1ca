/**
 * Who is on each proxy connection, for the log and the counters. A proxy logs "Client connected
 * (<tag>)" with the connection's number, where the tag is what the connector's hello said ("pid
 * 4711", the MCP client's process) or the app's own tools listing ("mcp-switchboard (tools list)").
 * From that line on, every line of that connection gets the client's name ("Claude Desktop",
 * from the process: client-process.ts) or is marked as the app's own; the app's own connections
 * and requests are tallied so that they are not shown as client traffic (the proxy counts every
 * connection alike).
 */
import type { LogEvent, ServerCounters } from '../../../common/contract';

/** The hello tag of the app's own tools listing (servers/tools.ts). */
export const OWN_CONNECTION_TAG = 'mcp-switchboard (tools list)';
/** How the app's own connection is named in the log's Client column. */
export const OWN_CLIENT_NAME = 'Switchboard';

const CONNECTED = /^Client connected(?: \((.*)\))?$/;

interface ServerLabels {
  conns: Map<number, { client?: string; own: boolean }>;
  own: ServerCounters;
}

export interface ConnectionLabelsOptions {
  /** The client's name for a hello tag such as "pid 4711" (undefined: keep the tag). */
  clientName?: (tag: string) => string | undefined;
}

export class ConnectionLabels {
  private readonly servers = new Map<string, ServerLabels>();
  private readonly pids = new Map<string, number | undefined>();

  constructor(private readonly opts: ConnectionLabelsOptions = {}) {}

  private of(serverId: string): ServerLabels {
    let s = this.servers.get(serverId);
    if (!s) this.servers.set(serverId, (s = { conns: new Map(), own: { connections: 0, connectionsTotal: 0, requests: 0, errors: 0 } }));
    return s;
  }

  /** The event as the log shows it: its client named, the app's own lines marked and worded as such. */
  label(e: LogEvent): LogEvent {
    if (e.connection === undefined) return e;
    const s = this.of(e.server);
    const connected = CONNECTED.exec(e.message);
    if (connected && e.direction === undefined) {
      const tag = connected[1];
      const own = tag === OWN_CONNECTION_TAG;
      const client = own ? OWN_CLIENT_NAME : tag === undefined ? undefined : (this.opts.clientName?.(tag) ?? tag);
      s.conns.set(e.connection, { client, own });
      if (own) {
        s.own.connections++;
        s.own.connectionsTotal++;
        return { ...e, client, own, message: 'Switchboard connected to list the tools (the app itself, not a client)' };
      }
      return client ? { ...e, client, message: `Client connected (${client}${tag && !client.includes(tag) ? `, ${tag}` : ''})` } : e;
    }
    const conn = s.conns.get(e.connection);
    if (!conn) return e;
    if (conn.own) {
      if (e.direction === 'client-to-server' && e.method && e.id !== undefined && e.id !== null) s.own.requests++;
      if (e.direction === 'server-to-client' && e.level === 'warn') s.own.errors++;
    }
    if (e.message === 'Client disconnected' && e.direction === undefined) {
      s.conns.delete(e.connection);
      if (conn.own) {
        s.own.connections = Math.max(0, s.own.connections - 1);
        return { ...e, client: conn.client, own: true, message: 'Switchboard finished listing the tools' };
      }
    }
    return { ...e, ...(conn.client ? { client: conn.client } : {}), ...(conn.own ? { own: true } : {}) };
  }

  /** The proxy's counters without the app's own connections, requests and errors. */
  clientCounters(serverId: string, counters: ServerCounters): ServerCounters {
    const own = this.servers.get(serverId)?.own;
    if (!own) return counters;
    return {
      ...counters,
      connections: Math.max(0, counters.connections - own.connections),
      connectionsTotal: Math.max(0, counters.connectionsTotal - own.connectionsTotal),
      requests: Math.max(0, counters.requests - own.requests),
      errors: Math.max(0, counters.errors - own.errors),
    };
  }

  /** The proxy's pid from each status: a new process numbers and counts its connections from the start. */
  observePid(serverId: string, pid: number | undefined): void {
    if (pid !== undefined && pid !== this.pids.get(serverId)) this.servers.delete(serverId);
    this.pids.set(serverId, pid);
  }

  forget(serverId: string): void {
    this.servers.delete(serverId);
    this.pids.delete(serverId);
  }
}
