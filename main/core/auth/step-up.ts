/**
 * Scopes: what a sign-in asks for, and step-up. A 403 `insufficient_scope` ([26] step 2) makes the
 * next sign-in ask for the union of what was asked before and what the server asks for now, a
 * bounded number of times per scope set; after that the engine stops opening tabs and says so.
 */
import { computeScopeUnion } from '@modelcontextprotocol/client';
import type { AuthContext, ServerRuntime } from './auth-context';
import { sanitizeText } from './callback-listener';
import type { AuthServerConfig } from './types';

/** `offline_access` is the SDK's to add (only when the AS offers it), never part of a scope we carry over. */
export function withoutOfflineAccess(scope: string | undefined): string | undefined {
  const rest = (scope ?? '').split(/\s+/).filter((s) => s && s !== 'offline_access');
  return rest.length ? rest.join(' ') : undefined;
}

/**
 * The scope a browser sign-in asks for: a pending step-up union; else the challenged scope (with
 * what was granted before, [26]); else none, and the SDK takes the resource metadata's
 * scopes_supported. Scopes the user configured for the server are always added.
 */
export function signInScope(server: AuthServerConfig, rt: ServerRuntime, requestedBefore: string | undefined): string | undefined {
  const derived = rt.stepUp ?? (rt.challenge?.scope ? withoutOfflineAccess(computeScopeUnion(requestedBefore, rt.challenge.scope)) : undefined);
  return server.scopes ? computeScopeUnion(derived, server.scopes) : derived;
}

export class StepUp {
  constructor(
    private readonly ctx: AuthContext,
    private readonly maxAttempts: number,
  ) {}

  /** A 403 insufficient_scope: needs-sign-in with the union scope, or `error` once the limit is reached. Always undefined (no token). */
  async request(server: AuthServerConfig, rt: ServerRuntime, challenged: string | undefined): Promise<undefined> {
    const session = await this.ctx.store.getSession(server.id);
    // [26] step 2: the union of what was asked before and what is asked now.
    const union = withoutOfflineAccess(computeScopeUnion(session?.requestedScope, rt.stepUp, challenged));
    if (!union) {
      this.ctx.log(server.id, 'warn', `${server.name} asked for more permissions without naming them`);
      this.ctx.needsSignIn(server, `${server.name} needs more permissions; sign in again.`, true);
      return undefined;
    }
    if (rt.stepUp !== union) {
      const attempts = rt.stepUpAttempts.get(union) ?? 0;
      if (attempts >= this.maxAttempts) {
        const message = `${server.name} still refuses access after signing in again with more permissions (${sanitizeText(union, 200)}); giving up. Check your account's permissions, then reset the sign-in.`;
        rt.stepUpExhausted = message;
        this.ctx.setState(server.id, 'error', message);
        this.ctx.log(server.id, 'warn', message);
        return undefined;
      }
      rt.stepUpAttempts.set(union, attempts + 1);
      rt.stepUp = union;
    }
    this.ctx.log(server.id, 'info', `${server.name} asks for more permissions (${sanitizeText(union, 200)})`);
    this.ctx.needsSignIn(server, `${server.name} needs more permissions (${sanitizeText(union, 200)}); sign in again to grant them.`, true);
    return undefined;
  }

  /** Forgets every step-up of a server (reset). */
  clear(rt: ServerRuntime): void {
    rt.stepUp = undefined;
    rt.stepUpAttempts.clear();
    rt.stepUpExhausted = undefined;
  }
}
