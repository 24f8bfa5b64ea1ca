/**
 * Settings ▸ Company sign-in: the identity provider of enterprise-managed authorization (its
 * issuer and the app's client there in settings.json, the client's secret in the vault) and the
 * user's sign-in to it (the engine's, enterprise-idp.ts). Servers set to `enterprise` get their
 * tokens through it without a browser tab of their own.
 */
import type { EnterpriseConfigureInput, EnterpriseStatus } from '../../common/contract';
import type { AuthEngine, EnterpriseIdpConfig, SecretVault } from './auth/types';
import type { SettingsService } from './settings';

const IDP_SECRET_KEY = 'enterprise-idp:client-secret';

export interface EnterpriseAccessOptions {
  settings: SettingsService;
  vault?: SecretVault;
  auth?: AuthEngine;
  secrets: { add(...values: Array<string | undefined>): void };
  /** The identity provider changed: servers set to `enterprise` may now get (or lose) their tokens. */
  onDidChange(): void;
}

export class EnterpriseAccess {
  constructor(private readonly o: EnterpriseAccessOptions) {}

  /** The identity provider as the engine needs it (with the client secret from the vault), when configured. */
  async config(): Promise<EnterpriseIdpConfig | undefined> {
    const idp = this.o.settings.get().enterpriseIdp;
    if (!idp) return undefined;
    const clientSecret = await this.o.vault?.get(IDP_SECRET_KEY).catch(() => undefined);
    this.o.secrets.add(clientSecret);
    return { ...idp, ...(clientSecret ? { clientSecret } : {}) };
  }

  async status(): Promise<EnterpriseStatus> {
    const cfg = await this.config();
    if (!cfg) return { configured: false, hasClientSecret: false, signedIn: false };
    const s = (await this.o.auth?.idpStatus?.(cfg).catch(() => undefined)) ?? { signedIn: false };
    return {
      configured: true,
      issuer: cfg.issuer,
      clientId: cfg.clientId,
      hasClientSecret: !!cfg.clientSecret,
      signedIn: s.signedIn,
      ...(s.account ? { account: s.account } : {}),
      ...(s.expiresAt ? { expiresAt: s.expiresAt } : {}),
    };
  }

  async configure(input: EnterpriseConfigureInput): Promise<EnterpriseStatus> {
    const before = this.o.settings.get().enterpriseIdp;
    this.o.settings.set({ enterpriseIdp: { issuer: input.issuer, clientId: input.clientId } });
    const after = this.o.settings.get().enterpriseIdp!;
    if (input.clientSecret !== undefined) {
      if (!this.o.vault) throw new Error('This host cannot store a client secret.');
      if (input.clientSecret) {
        this.o.secrets.add(input.clientSecret);
        await this.o.vault.set(IDP_SECRET_KEY, input.clientSecret);
      } else await this.o.vault.delete(IDP_SECRET_KEY);
    }
    // Another identity provider: the old one's sign-in is not used for it.
    if (before && before.issuer !== after.issuer) await this.o.auth?.signOutOfIdp?.({ ...before });
    if (input.idToken) {
      const cfg = (await this.config())!;
      if (!this.o.auth?.useIdpIdToken) throw new Error('Sign-in is not available in this host.');
      this.o.secrets.add(input.idToken);
      await this.o.auth.useIdpIdToken(cfg, input.idToken);
    }
    this.o.onDidChange();
    return this.status();
  }

  async signIn(): Promise<EnterpriseStatus> {
    if (!this.o.auth?.signInToIdp) throw new Error('Sign-in is not available in this host.');
    await this.o.auth.signInToIdp(await this.config());
    this.o.onDidChange();
    return this.status();
  }

  async signOut(): Promise<EnterpriseStatus> {
    await this.o.auth?.signOutOfIdp?.(await this.config());
    this.o.onDidChange();
    return this.status();
  }
}
