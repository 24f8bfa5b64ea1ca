/**
 * What the world outside the window asks of it: a link's add proposal (mcp-switchboard://add) and a
 * view the tray or a notification wants shown (the add flow, a server's log, a server's sign-in).
 * Each is kept until a window takes it (one that opens later asks at its start) and announced to
 * the windows already open.
 */
import type { AddProposal, ViewRequest } from '../../common/contract';

class Mailbox<T> {
  private pending: T | null = null;
  private readonly listeners = new Set<(value: T) => void>();

  put(value: T): void {
    this.pending = value;
    for (const l of [...this.listeners]) l(value);
  }

  take(): T | null {
    const v = this.pending;
    this.pending = null;
    return v;
  }

  on(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export class WindowRequests {
  readonly proposals = new Mailbox<AddProposal>();
  readonly views = new Mailbox<ViewRequest>();
}
