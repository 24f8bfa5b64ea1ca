/**
 * The SDK's client module, loaded on first need. A 2025-era Streamable HTTP session opens and runs
 * without it (fast-session.ts, fast-post.ts): evaluating the SDK and its schemas cost about 50 ms
 * of a cold start, so it loads only for what needs it — the old HTTP+SSE transport, a sign-in
 * renewal the server asks for, 2026-07-28 requests, a server the fast open could not handle. In
 * the bundle it is a file of its own (out/proxy/sdk.js, see scripts/build.mjs).
 */
import type { InsufficientScopeError } from '@modelcontextprotocol/client';

type Sdk = typeof import('@modelcontextprotocol/client');

let sdk: Sdk | undefined;

export function sdkModule(): Sdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sdk ??= require('@modelcontextprotocol/client') as Sdk;
  return sdk;
}

/** The SDK if something loaded it already: an error of one of its classes can only exist then. */
export function loadedSdk(): Sdk | undefined {
  return sdk;
}

export function isInsufficientScope(err: unknown): err is InsufficientScopeError {
  const s = loadedSdk();
  return s !== undefined && err instanceof s.InsufficientScopeError;
}

export function isUnauthorizedError(err: unknown): boolean {
  const s = loadedSdk();
  return s !== undefined && err instanceof s.UnauthorizedError;
}

/** The SDK's "needs sign-in" error, which the stages before the transport recognise. */
export function unauthorized(message: string): Error {
  return new (sdkModule().UnauthorizedError)(message);
}
