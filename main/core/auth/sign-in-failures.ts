/**
 * Every way a sign-in can fail, as a SignInError whose kind decides the state (config ⇒ error,
 * aborted ⇒ the previous state, anything else ⇒ needs-sign-in) and whose message is a sentence for
 * the user. Pure: no state, no I/O. Text from the network is sanitized; secrets are redacted by the
 * caller (AuthContext.safeError).
 */
import {
  AuthorizationServerMismatchError,
  InsecureTokenEndpointError,
  IssuerMismatchError,
  OAuthError,
  RegistrationRejectedError,
} from '@modelcontextprotocol/client';
import { InsecureEndpointError } from './auth-http';
import { UnsafeUrlError } from './browser-opener';
import { SignInError, sanitizeText } from './callback-listener';
import type { AuthServerConfig } from './types';

/** A failed code exchange (or client-credentials request) as a sentence. */
export function describeExchangeFailure(server: AuthServerConfig, err: unknown, kind: string): Error {
  if (err instanceof OAuthError) {
    if ((err.code === 'invalid_client' || err.code === 'unauthorized_client') && kind !== 'pre-registered') {
      return new SignInError(
        'exchange',
        `The authorization server for ${server.name} no longer recognises MCP Switchboard's registration (${err.code}). Sign in again to register afresh.`,
        err.code,
      );
    }
    if (err.code === 'invalid_client' || err.code === 'unauthorized_client') {
      return new SignInError(
        'config',
        `The authorization server for ${server.name} rejected the client ID and secret entered for it (${err.code}). Check them in the server's settings.`,
        err.code,
      );
    }
    return new SignInError(
      'exchange',
      `The authorization server for ${server.name} did not accept the sign-in (${sanitizeText(`${err.code}: ${err.message}`)}).`,
      err.code,
    );
  }
  return describeSignInFailure(server, err);
}

/** Any sign-in failure as a SignInError with a sentence for the user. */
export function describeSignInFailure(server: AuthServerConfig, err: unknown): Error {
  if (err instanceof SignInError) return err;
  const name = server.name;
  if (err instanceof IssuerMismatchError) {
    if (err.kind === 'authorization_response') {
      return new SignInError(
        'issuer',
        `The sign-in response for ${name} came from a different authorization server than expected (issuer mismatch), so it was ignored. Start the sign-in again.`,
      );
    }
    return new SignInError(
      'config',
      `The authorization server for ${name} published metadata for a different issuer (expected ${sanitizeText(String(err.expected), 120)}, got ${sanitizeText(String(err.received), 120)}), so MCP Switchboard will not use it.`,
    );
  }
  if (err instanceof AuthorizationServerMismatchError) {
    return new SignInError('config', `The authorization server for ${name} changed during sign-in; start the sign-in again.`);
  }
  if (err instanceof RegistrationRejectedError) {
    let reason = `HTTP ${err.status}`;
    try {
      const body = JSON.parse(err.body) as { error?: string; error_description?: string };
      if (body.error) reason = body.error_description ? `${body.error}: ${body.error_description}` : body.error;
    } catch {
      // not JSON: the status says enough
    }
    return new SignInError(
      'config',
      `The authorization server for ${name} refused to register MCP Switchboard (${sanitizeText(reason)}). If it needs a pre-registered app, enter the client ID (and secret) in the server's settings.`,
    );
  }
  if (err instanceof InsecureTokenEndpointError || err instanceof InsecureEndpointError || err instanceof UnsafeUrlError) {
    return new SignInError('config', `${err.message}`);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/does not support dynamic client registration/i.test(message)) {
    return new SignInError(
      'config',
      `The authorization server for ${name} does not let apps register themselves. Enter a client ID (and secret) registered for MCP Switchboard in the server's settings.`,
    );
  }
  if (/Protected resource .* does not match/i.test(message)) {
    return new SignInError(
      'config',
      `${name}'s resource metadata names a different server (${sanitizeText(message)}), so MCP Switchboard will not sign in with it.`,
    );
  }
  if (/Incompatible auth server/i.test(message))
    return new SignInError('config', `The authorization server for ${name} is not compatible: ${sanitizeText(message)}`);
  if (err instanceof OAuthError)
    return new SignInError('exchange', `The authorization server for ${name} refused the sign-in (${sanitizeText(`${err.code}: ${err.message}`)}).`, err.code);
  if (err instanceof TypeError || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))) {
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    return new SignInError('exchange', `Could not reach the sign-in server for ${name} (${sanitizeText(cause?.code ?? cause?.message ?? message)}).`);
  }
  return new SignInError('exchange', `Sign-in to ${name} failed: ${sanitizeText(message)}`);
}
