/**
 * The authorization flow: getting the first tokens for a server.
 *
 * - Browser sign-in (authorization code + PKCE S256): discovery, registration and the
 *   authorization URL through the SDK's `auth()`, a fresh `state`, the system browser, then the
 *   redirect (the loopback listener on 127.0.0.1, or the app's `mcp-switchboard://` deep link
 *   handed to `handleRedirect`) with its state and RFC 9207 iss checks, and the code exchange.
 *   When the authorization server refuses the app-scheme redirect, once, the loopback one is used.
 * - Client credentials: a pre-registered confidential client, one token request, no browser.
 *
 * One sign-in at a time per server: a second call joins the first (no second tab).
 */
import { randomBytes } from 'node:crypto';
import { OAuthError, auth, exchangeAuthorization, type OAuthTokens } from '@modelcontextprotocol/client';
import { accountFromIdToken } from './account';
import type { AuthContext, ServerRuntime } from './auth-context';
import { checkServerUrl } from './auth-http';
import { assertSafeBrowserUrl } from './browser-opener';
import { APP_SCHEME_REDIRECT, CallbackGate, CallbackListener, SignInError, sanitizeText } from './callback-listener';
import type { ServerSession } from './credential-store';
import { isLegacyOriginIssuer, type Discovery } from './discovery';
import { AskForScope, type SignInFlow } from './oauth-provider';
import { AppSchemeRefusedError, registrationGone, type Registration } from './registration';
import { describeExchangeFailure, describeSignInFailure } from './sign-in-failures';
import { signInScope } from './step-up';
import type { TokenKeeper } from './tokens';
import type { AuthServerConfig, BrowserOpener } from './types';

export interface AuthorizationFlowOptions {
  opener: BrowserOpener;
  /** How long a browser sign-in may take. */
  callbackTimeoutMs: number;
}

export class AuthorizationFlow {
  constructor(
    private readonly ctx: AuthContext,
    private readonly discovery: Discovery,
    private readonly registration: Registration,
    private readonly tokens: TokenKeeper,
    private readonly o: AuthorizationFlowOptions,
  ) {}

  signIn(server: AuthServerConfig): Promise<void> {
    if (this.ctx.disposed) return Promise.reject(new Error('MCP Switchboard is shutting down.'));
    const rt = this.ctx.rt(server.id);
    if (!rt.signIn) {
      rt.abortedWith = undefined;
      rt.signIn = this.run(server, rt).finally(() => {
        rt.signIn = undefined;
        rt.abortedWith = undefined;
      });
    }
    return rt.signIn;
  }

  /** The page the browser was sent to, while the sign-in waits for it. */
  page(serverId: string): { url: string; expiresAt: number } | undefined {
    const page = this.ctx.peek(serverId)?.page;
    return page ? { ...page } : undefined;
  }

  /** Sends the browser to the waiting sign-in's page again. */
  async openPageAgain(serverId: string): Promise<void> {
    const page = this.ctx.peek(serverId)?.page;
    if (!page) throw new SignInError('config', 'No sign-in is waiting for the browser; press Sign in to start one.');
    this.ctx.log(serverId, 'info', `Opening the sign-in page again at ${new URL(page.url).origin}`);
    await this.o.opener.open(page.url);
  }

  /** The user gave up on a sign-in waiting for the browser; false when none was. */
  cancel(serverId: string): boolean {
    const rt = this.ctx.peek(serverId);
    if (!rt?.signIn) return false;
    this.abort(rt, new SignInError('aborted', 'Sign-in was cancelled.'));
    return true;
  }

  /** Ends a sign-in waiting for the browser with `err` (reset, shutdown). */
  abort(rt: ServerRuntime, err: SignInError): void {
    // Still finding the authorization server: it stops before it opens the browser.
    if (rt.signIn) rt.abortedWith = err;
    rt.listener?.abort(err);
    rt.gate?.abort(err);
  }

  private async run(server: AuthServerConfig, rt: ServerRuntime): Promise<void> {
    if (rt.stepUpExhausted) {
      const message = rt.stepUpExhausted;
      rt.stepUpExhausted = undefined;
      throw new SignInError('config', message);
    }
    if (server.grantType === 'client_credentials' || server.grantType === 'enterprise') return this.runClientCredentials(server, rt);
    const previous = { state: rt.state, detail: rt.detail };
    const attempt: { flow?: SignInFlow } = {};
    try {
      checkServerUrl(server);
      this.ctx.setState(server.id, 'signing-in', `Waiting for you to sign in to ${server.name} in the browser`);
      if (!rt.challenge) await this.discovery.probe(server, rt);
      let mode: 'loopback' | 'app-scheme' = server.redirect === 'app-scheme' && !rt.appSchemeRefused ? 'app-scheme' : 'loopback';
      if (server.redirect === 'app-scheme' && rt.appSchemeRefused) {
        this.ctx.log(
          server.id,
          'info',
          `Signing in to ${server.name} through the loopback redirect: its authorization server refused ${APP_SCHEME_REDIRECT} before (${rt.appSchemeRefused})`,
        );
      }
      for (;;) {
        try {
          await this.authorizeInBrowser(server, rt, mode, (f) => (attempt.flow = f));
          break;
        } catch (err) {
          const refused = mode === 'app-scheme' ? this.registration.appSchemeRefusal(err) : undefined;
          if (refused === undefined) throw err;
          // Once only: the loopback attempt never falls back again.
          rt.appSchemeRefused = refused;
          this.ctx.log(
            server.id,
            'warn',
            `The authorization server for ${server.name} does not accept the app's redirect ${APP_SCHEME_REDIRECT} (${refused}); falling back to the loopback redirect on 127.0.0.1`,
          );
          mode = 'loopback';
        }
      }
      rt.notified = false;
      rt.stepUp = undefined;
      rt.stepUpExhausted = undefined;
      this.ctx.setState(server.id, 'signed-in', `Signed in to ${server.name}`);
      this.ctx.log(server.id, 'info', `Signed in to ${server.name}`);
    } catch (raw) {
      const err = this.ctx.safeError(describeSignInFailure(server, raw));
      const kind = err instanceof SignInError ? err.kind : 'exchange';
      const flow = attempt.flow;
      if (
        flow?.client?.kind === 'dcr' &&
        (kind === 'timeout' || (err instanceof SignInError && ['invalid_client', 'unauthorized_client', 'invalid_scope'].includes(err.oauthError ?? '')))
      ) {
        // The authorization server may have shown "unknown client" in the browser (quirk Q9/G20),
        // or the registration cannot cover the scope: register afresh next time.
        const issuer = flow.discovery?.authorizationServerMetadata?.issuer ?? flow.discovery?.authorizationServerUrl;
        if (issuer) await this.registration.forgetClient(server.id, issuer).catch(() => {});
      }
      if (kind === 'aborted' && this.ctx.disposed) {
        // shutting down: leave the state alone
      } else if (kind === 'config') {
        this.ctx.setState(server.id, 'error', err.message);
      } else if (kind === 'aborted') {
        this.ctx.setState(server.id, previous.state === 'signing-in' ? 'needs-sign-in' : previous.state, previous.detail);
      } else {
        this.ctx.needsSignIn(server, err.message, false);
      }
      this.ctx.log(server.id, kind === 'config' ? 'error' : 'warn', `Sign-in to ${server.name} failed: ${err.message}`);
      throw err;
    }
  }

  /**
   * One browser authorization with one redirect: the loopback listener, or the app's own scheme
   * whose deep link `handleRedirect` hands over. Resolves once the code was redeemed.
   */
  private async authorizeInBrowser(
    server: AuthServerConfig,
    rt: ServerRuntime,
    mode: 'loopback' | 'app-scheme',
    onFlow: (flow: SignInFlow) => void,
  ): Promise<void> {
    const { store } = this.ctx;
    let listener: CallbackListener | undefined;
    let gate: CallbackGate;
    let redirectUrl: string;
    if (mode === 'loopback') {
      const preferred = await store.getPort(server.id);
      listener = await CallbackListener.open(preferred);
      rt.listener = listener;
      if (listener.portChanged) this.ctx.log(server.id, 'info', `Port ${preferred} is in use; signing in through port ${listener.port} instead`);
      if (listener.port !== preferred) await store.savePort(server.id, listener.port);
      redirectUrl = listener.redirectUrl;
      gate = listener.gate;
    } else {
      gate = new CallbackGate();
      redirectUrl = APP_SCHEME_REDIRECT;
    }
    try {
      const flow: SignInFlow = { state: randomBytes(32).toString('base64url'), redirectUrl };
      onFlow(flow);
      let scope = signInScope(server, rt, (await store.getSession(server.id))?.requestedScope);
      const fetchFn = this.ctx.fetchFor(server);
      const authorize = async (skipIssuerMetadataValidation?: boolean): Promise<Awaited<ReturnType<typeof auth>>> => {
        for (;;) {
          try {
            return await auth(this.registration.provider(server, flow, scope, true), {
              serverUrl: server.url,
              scope,
              resourceMetadataUrl: rt.challenge?.resourceMetadataUrl ? new URL(rt.challenge.resourceMetadataUrl) : undefined,
              fetchFn,
              forceReauthorization: true,
              skipIssuerMetadataValidation,
            });
          } catch (err) {
            // An OpenID Connect server: again with `openid` added, on the discovery just made.
            if (!(err instanceof AskForScope)) throw err;
            scope = err.scope;
          }
        }
      };
      let result: Awaited<ReturnType<typeof auth>>;
      try {
        result = await authorize();
      } catch (err) {
        if (!isLegacyOriginIssuer(err, server.url)) throw err;
        this.ctx.log(
          server.id,
          'info',
          `${server.name} has no resource metadata (a 2025-03-26 server): using the authorization metadata its own origin serves for issuer ${sanitizeText(String(err.received), 120)}`,
        );
        result = await authorize(true);
      }
      if (result !== 'REDIRECT' || !flow.authorizationUrl || !flow.discovery || !flow.client) {
        throw new SignInError('config', `The authorization server for ${server.name} did not start a browser sign-in.`);
      }
      const authorizationUrl = assertSafeBrowserUrl(flow.authorizationUrl.href);
      if (authorizationUrl.searchParams.get('state') !== flow.state) throw new Error('The authorization URL does not carry the expected state.');
      const discovery = flow.discovery;
      const metadata = discovery.authorizationServerMetadata;
      const issuer = metadata?.issuer ?? discovery.authorizationServerUrl;
      const requestedScope = authorizationUrl.searchParams.get('scope') ?? undefined;
      const resource = authorizationUrl.searchParams.get('resource') ?? flow.resource;
      const client = flow.client;

      if (mode === 'app-scheme') {
        const refusal = await this.registration.probeAppScheme(server, authorizationUrl);
        if (refusal) throw new AppSchemeRefusedError(refusal);
        rt.gate = gate;
      }
      if (rt.abortedWith) throw rt.abortedWith;
      const waiting = gate.wait({
        state: flow.state,
        issuer: metadata?.issuer,
        issParameterSupported: metadata?.authorization_response_iss_parameter_supported === true,
        serverName: server.name,
        timeoutMs: this.o.callbackTimeoutMs,
        clock: this.ctx.clock,
        onIgnored: (reason) => this.ctx.log(server.id, 'warn', `Sign-in: ${reason}`),
        exchange: async (code, iss) => {
          this.ctx.secrets.addPassing(code);
          let tokens: OAuthTokens;
          try {
            tokens = await exchangeAuthorization(discovery.authorizationServerUrl, {
              metadata,
              clientInformation: client.info,
              authorizationCode: code,
              iss,
              codeVerifier: flow.codeVerifier ?? '',
              redirectUri: flow.redirectUrl,
              resource,
              fetchFn,
            });
          } catch (err) {
            throw await this.exchangeFailure(server, err, client.kind);
          }
          this.ctx.rememberTokens(tokens);
          const account = accountFromIdToken(tokens.id_token, { issuer, clientId: client.info.client_id });
          const session: ServerSession = {
            issuer,
            authorizationServerUrl: discovery.authorizationServerUrl,
            resource,
            requestedScope,
            clientKind: client.kind,
            ...(account ? { account } : {}),
          };
          await this.tokens.saveSignIn(server, rt, session, discovery, tokens);
        },
      });
      if (!gate.ended) {
        rt.page = { url: authorizationUrl.href, expiresAt: this.ctx.clock.now() + this.o.callbackTimeoutMs };
        this.ctx.log(
          server.id,
          'info',
          `Opening the browser to sign in at ${authorizationUrl.origin}${mode === 'app-scheme' ? ` (the app's ${APP_SCHEME_REDIRECT} redirect)` : ''}`,
        );
        this.o.opener.open(authorizationUrl.href).catch((err: Error) => {
          gate.abort(new SignInError('browser', `Could not open the browser to sign in to ${server.name}: ${err.message}`));
        });
      }
      await waiting;
    } finally {
      rt.page = undefined;
      if (rt.gate === gate) rt.gate = undefined;
      if (rt.listener === listener) rt.listener = undefined;
      await listener?.close();
    }
  }

  /**
   * The app's protocol handler calls this with an `mcp-switchboard://oauth/callback?…` deep link.
   * It goes through exactly the checks of the loopback listener (state, RFC 9207 iss, errors,
   * the code exchange) of the sign-in waiting for it. Resolves true when a pending app-scheme
   * sign-in took it (whatever the outcome; the sign-in's own promise says how it ended), false
   * when nothing was waiting for it (not our redirect, no pending sign-in).
   */
  async handleRedirect(url: string): Promise<boolean> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    const expected = new URL(APP_SCHEME_REDIRECT);
    if (u.protocol !== expected.protocol || u.host !== expected.host || (u.pathname || '/') !== expected.pathname) return false;
    const pending = this.ctx.runtimeEntries().filter(([, r]) => r.gate?.pendingState !== undefined);
    if (!pending.length) return false;
    const state = u.searchParams.get('state');
    // By state; a single pending sign-in gets any response, and ignores a wrong state as the
    // loopback listener does. With several and no match there is no telling whose it was.
    const target = pending.find(([, r]) => r.gate!.pendingState === state) ?? (pending.length === 1 ? pending[0] : undefined);
    if (!target) {
      for (const [id] of pending) this.ctx.log(id, 'warn', `Ignored a sign-in response that matches none of the sign-ins in progress (wrong or missing state)`);
      return false;
    }
    const [serverId, r] = target;
    await r.gate!.deliver(u.searchParams, (o) => {
      if (!o.ok && o.status !== 200) this.ctx.log(serverId, 'warn', `Refused the app-scheme sign-in response: ${o.body}`);
    });
    return true;
  }

  /**
   * A grant with no browser: a confidential client (client credentials, with its secret or a
   * signed JWT), or enterprise-managed authorization (the company's identity provider vouches for
   * the user). One token request at the server's authorization server.
   */
  private async runClientCredentials(server: AuthServerConfig, rt: ServerRuntime): Promise<void> {
    const enterprise = server.grantType === 'enterprise';
    try {
      checkServerUrl(server);
      if (enterprise && !server.clientId) {
        throw new SignInError(
          'config',
          `${server.name} is set to sign in through your company's identity provider, which needs the client ID its authorization server issued to MCP Switchboard.`,
        );
      }
      if (!enterprise && (!server.clientId || (!server.clientSecret && !server.privateKey))) {
        throw new SignInError(
          'config',
          `${server.name} is set to sign in as an app (client credentials), which needs a client ID and a client secret or private key.`,
        );
      }
      this.ctx.setState(server.id, 'signing-in', `Getting a token for ${server.name}`);
      if (!rt.challenge) await this.discovery.probe(server, rt);
      await this.clientCredentialsGrant(server, rt);
      rt.notified = false;
      rt.stepUp = undefined;
      this.ctx.setState(
        server.id,
        'signed-in',
        enterprise ? `Signed in to ${server.name} through your company's identity provider` : `Signed in to ${server.name} as an app`,
      );
      this.ctx.log(
        server.id,
        'info',
        enterprise
          ? `Signed in to ${server.name} with an identity assertion from your company's identity provider`
          : `Signed in to ${server.name} with client credentials`,
      );
    } catch (raw) {
      const err = this.ctx.safeError(
        raw instanceof OAuthError ? await this.exchangeFailure(server, raw, 'pre-registered') : describeSignInFailure(server, raw),
      );
      this.ctx.setState(server.id, 'error', err.message);
      this.ctx.log(server.id, 'error', `Sign-in to ${server.name} failed: ${err.message}`);
      throw err;
    }
  }

  /** The token request of a grant without a user; saves the tokens and resolves with the access token. */
  async clientCredentialsGrant(server: AuthServerConfig, rt: ServerRuntime): Promise<string> {
    const flow: SignInFlow = { state: '', redirectUrl: '' };
    const scope = rt.stepUp ?? rt.challenge?.scope;
    const provider = this.registration.provider(server, flow, scope, false);
    const result = await auth(provider, {
      serverUrl: server.url,
      scope,
      resourceMetadataUrl: rt.challenge?.resourceMetadataUrl ? new URL(rt.challenge.resourceMetadataUrl) : undefined,
      fetchFn: this.ctx.fetchFor(server),
    });
    if (result !== 'AUTHORIZED' || !flow.tokens || !flow.discovery)
      throw new SignInError('config', `The authorization server for ${server.name} did not issue a token.`);
    this.ctx.rememberTokens(flow.tokens);
    const discovery = flow.discovery;
    const issuer = discovery.authorizationServerMetadata?.issuer ?? discovery.authorizationServerUrl;
    const session: ServerSession = {
      issuer,
      authorizationServerUrl: discovery.authorizationServerUrl,
      resource: flow.resource,
      requestedScope: scope,
      clientKind: 'pre-registered',
      grantType: server.grantType === 'enterprise' ? 'enterprise' : 'client_credentials',
    };
    await this.tokens.saveSignIn(server, rt, session, discovery, flow.tokens);
    return flow.tokens.access_token;
  }

  /** A failed code exchange, as a sentence; `invalid_client` for a client we registered drops it. */
  private async exchangeFailure(server: AuthServerConfig, err: unknown, kind: string): Promise<Error> {
    if (registrationGone(err, kind)) await this.registration.forgetRegistrations(server.id);
    return describeExchangeFailure(server, err, kind);
  }
}
