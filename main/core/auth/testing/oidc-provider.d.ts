/**
 * The small part of oidc-provider 9 (no bundled types) that the auth tests use.
 * Test-only: nothing in the app imports oidc-provider.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; details: Record<string, unknown> };
    params: Record<string, string | undefined>;
    session?: { accountId?: string };
    grantId?: string;
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface OidcContext {
    oidc?: { params?: Record<string, unknown>; client?: { clientId: string } };
  }

  export interface ClientModel {
    clientId: string;
    applicationType?: string;
    grantTypes?: string[];
    redirectUris?: string[];
    tokenEndpointAuthMethod?: string;
    scope?: string;
    metadata(): Record<string, unknown>;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (ctx: OidcContext, ...args: any[]) => void): this;
    Grant: {
      new (properties: { accountId?: string; clientId?: string }): GrantInstance;
      find(id: string): Promise<GrantInstance | undefined>;
    };
    Client: {
      find(id: string): Promise<ClientModel | undefined>;
      /** Checks client metadata as the provider does for its configured clients (rejects when invalid). */
      validate(metadata: Record<string, unknown>): Promise<void>;
      adapter: { destroy(id: string): Promise<void>; upsert(id: string, metadata: Record<string, unknown>): Promise<void> };
    };
    /** A grant type of one's own (the token exchange and JWT bearer grants of the enterprise tests). */
    registerGrantType(name: string, handler: (ctx: any) => Promise<void>, params?: string[]): void;
    IdToken: { validate(jwt: string, client: unknown): Promise<{ payload: Record<string, unknown> }> };
    ClientCredentials: new (properties: { client: unknown; scope?: string }) => {
      resourceServer: unknown;
      expiration: number;
      save(): Promise<string>;
    };
    ResourceServer: new (identifier: string, data: { audience: string; scope: string; accessTokenTTL: number; accessTokenFormat: string }) => unknown;
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error;
    InvalidRequest: new (description?: string) => Error;
    InvalidGrant: new (description?: string) => Error;
  };
}
