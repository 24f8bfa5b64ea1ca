/**
 * The framing of one client connection: newline-delimited JSON-RPC 2.0 (the MCP stdio framing,
 * relayed by the connector). Each line must be one JSON-RPC 2.0 message or a non-empty batch;
 * malformed input (not JSON, not JSON-RPC 2.0, a line past the size limit) gets one -32700 line
 * and the connection is drained and closed. Everything else goes on to the message path.
 */
import type * as net from 'node:net';
import { errorResponse, ERR_PARSE, isJsonRpcPayload, parseJson, type JsonRpcMessage } from '../shared/mcp-http';
import { LineSplitter } from '../shared/wire';

export interface ClientConnectionHooks {
  /** One message (or batch) from the client, with its line (its size and the bytes as sent). */
  onMessage(message: JsonRpcMessage | JsonRpcMessage[], line: string): void;
  /** The client sent malformed input (`why` completes "the client …"); the connection is closing. */
  onDropped(why: string): void;
  onSocketError(err: Error): void;
  onClose(): void;
}

export class ClientConnection {
  /** Malformed input ended this connection: its error line is out, nothing else is read or written. */
  private dropped = false;

  constructor(
    readonly socket: net.Socket,
    rest: Buffer,
    private readonly hooks: ClientConnectionHooks,
  ) {
    const splitter = new LineSplitter(
      (line) => this.fromClient(line),
      (bytes) => this.drop(`sent a message larger than the limit (${bytes} bytes)`),
    );
    // A dropped connection is still read (and discarded) until it closes: closing a socket with
    // unread bytes makes the peer's read fail with ECONNRESET, and the error line could be lost.
    socket.on('data', (chunk: Buffer) => {
      if (!this.dropped) splitter.push(chunk);
    });
    socket.on('error', (err) => hooks.onSocketError(err));
    socket.on('close', () => hooks.onClose());
    if (rest.length) splitter.push(rest);
  }

  /** One line to the client (unless the connection is going away). */
  write(text: string): void {
    if (!this.socket.destroyed && !this.socket.writableEnded) this.socket.write(text + '\n');
  }

  private fromClient(line: string): void {
    if (this.dropped) return;
    const msg = parseJson(line);
    if (msg === undefined) return this.drop('sent bytes that are not JSON');
    if (!isJsonRpcPayload(msg)) return this.drop('sent a message that is not JSON-RPC 2.0');
    this.hooks.onMessage(msg, line);
  }

  /** Malformed input closes only this connection, with a parse error. */
  private drop(why: string): void {
    if (this.dropped || this.socket.destroyed) return;
    this.dropped = true;
    this.hooks.onDropped(why);
    const err = errorResponse(null, ERR_PARSE, `MCP Switchboard: the client ${why}; closing this connection.`);
    this.socket.end(JSON.stringify(err) + '\n');
    setTimeout(() => this.socket.destroy(), 500).unref();
  }
}
