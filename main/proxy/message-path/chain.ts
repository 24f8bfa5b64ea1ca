/**
 * Links stages into one connection's message path: each stage's `toServer` is the next stage's
 * `fromClient`, each `toClient` the previous stage's `fromServer`; past the first stage messages
 * reach the client (`deliver`), and the last stage (the transport) has nothing after it.
 */
import type { Stage, StageFactory, StageLink, ToClient, ToServer } from './stage';

export interface MessagePath {
  /** A message from the client (framing done), into the first stage. */
  fromClient(m: ToServer): Promise<void>;
  /** Closes every stage, client side first; nothing moves on the path afterwards. */
  close(): Promise<void>;
}

const DONE: Promise<void> = Promise.resolve();

export function linkStages(factories: readonly StageFactory[], deliver: (m: ToClient) => void): MessagePath {
  const stages: Stage[] = [];
  let closed = false;
  // Not async: a message crosses every stage on the way, and each async hop would cost a promise.
  const toServerFrom = (i: number) => (m: ToServer) => {
    // A stage has nothing past it? Then the message is dropped (only the transport is last).
    for (let j = i + 1; j < stages.length && !closed; j++) {
      const s = stages[j]!;
      if (s.fromClient) {
        try {
          return s.fromClient(m) ?? DONE;
        } catch (err) {
          return Promise.reject(err);
        }
      }
    }
    return DONE;
  };
  const toClientFrom = (i: number) => (m: ToClient) => {
    for (let j = i - 1; j >= 0 && !closed; j--) {
      const s = stages[j]!;
      if (s.fromServer) return s.fromServer(m);
    }
    if (!closed) deliver(m);
  };
  factories.forEach((make, i) => {
    const link: StageLink = { toServer: toServerFrom(i), toClient: toClientFrom(i) };
    stages.push(make(link));
  });
  const first = toServerFrom(-1);
  return {
    fromClient: (m) => (closed ? Promise.resolve() : first(m)),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const s of stages) await s.close?.();
    },
  };
}
