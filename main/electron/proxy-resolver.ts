/**
 * The ProxyResolver port in the desktop app: the operating system's proxy settings, PAC and WPAD
 * included, as Chromium resolves them (`session.resolveProxy` answers "PROXY host:port; DIRECT").
 * Chromium's network service answers only once the app is ready, so each question waits for that.
 * No electron import at runtime (main/index.ts hands in the session): tested with a fake session.
 */
import type { ProxyResolver } from '../core/ports';

export interface ResolvingSession {
  resolveProxy(url: string): Promise<string>;
}

export class ElectronProxyResolver implements ProxyResolver {
  constructor(
    private readonly whenReady: () => Promise<unknown>,
    private readonly session: () => ResolvingSession,
  ) {}

  async resolve(url: string): Promise<string> {
    await this.whenReady();
    return this.session().resolveProxy(url);
  }
}
