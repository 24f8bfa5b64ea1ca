/**
 * The app's settings (launch at login, log retention, how long an unused proxy runs, theme, weak-storage choice, Settings ▸
 * Network's CA file and proxy user, Settings ▸ Company sign-in's identity provider), persisted under
 * their own key (`app`) in the same settings.json as the server list. Validation is pure
 * (`parseSettingsPatch`); effects (the login item, pruning logs, the vault's storage mode) are
 * run by whoever owns them through `onDidChange` and the LoginItems port.
 */
import type { AppSettings, EnterpriseIdpSettings, NewServerTools, ThemeSetting, WeakStorageChoice } from '../../common/contract';
import { NEW_SERVER_TOOLS } from '../../common/contract';
import { isSecureOrLoopback } from '../../common/url-policy';
import * as path from 'node:path';
import type { LoginItems } from './ports';
import type { SettingsStore } from './settings-store';

/** A proxy with no client stops after this long (Settings ▸ General); 0 keeps proxies running. */
export const DEFAULT_PROXY_IDLE_MINUTES = 5;
export const MAX_PROXY_IDLE_MINUTES = 1440;

export const DEFAULT_SETTINGS: AppSettings = {
  launchAtLogin: false,
  logRetentionDays: 14,
  proxyIdleMinutes: DEFAULT_PROXY_IDLE_MINUTES,
  theme: 'system',
  weakStorage: 'ask',
  newServerTools: 'review',
};

const THEMES: readonly ThemeSetting[] = ['system', 'light', 'dark'];
const WEAK: readonly WeakStorageChoice[] = ['ask', 'store', 'memory'];
/** Settings without a default: absent until set; '' (or null for the IdP) clears them. */
const OPTIONAL_KEYS = ['caFile', 'proxyUsername', 'enterpriseIdp'] as const;
const KEYS = [...(Object.keys(DEFAULT_SETTINGS) as Array<keyof AppSettings>), ...OPTIONAL_KEYS];

/** A CA file path as typed: absolute, at most 1024 characters; '' clears. */
export function parseCaFile(value: unknown, field = 'caFile'): string | undefined {
  if (typeof value !== 'string' || value.length > 1024 || /[\0\r\n]/.test(value))
    throw new SettingsError(`${field} must be the path of a PEM file, got ${describe(value)}.`);
  const file = value.trim();
  if (!file) return undefined;
  if (!path.isAbsolute(file)) throw new SettingsError(`${field} must be an absolute path (the whole path of the PEM file).`);
  return file;
}

function parseIdp(value: unknown): EnterpriseIdpSettings | undefined {
  if (value === null || value === '') return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new SettingsError(`enterpriseIdp must be { issuer, clientId } or null, got ${describe(value)}.`);
  const { issuer, clientId, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length) throw new SettingsError(`enterpriseIdp takes only issuer and clientId.`);
  let url: URL;
  try {
    url = new URL(String(issuer));
  } catch {
    throw new SettingsError(`The identity provider's issuer must be a URL (https://login.example.com), got ${describe(issuer)}.`);
  }
  if (!isSecureOrLoopback(url)) throw new SettingsError('The identity provider must be served over https.');
  if (typeof clientId !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(clientId.trim()))
    throw new SettingsError('The identity provider client ID must be 1–256 visible ASCII characters.');
  return { issuer: url.href.replace(/\/$/, url.pathname === '/' ? '' : '/'), clientId: clientId.trim() };
}
export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 90;

export class SettingsError extends Error {}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `"${v.slice(0, 40)}"` : typeof v === 'object' ? 'an object' : String(v);
}

/** Checks a partial update; throws a SettingsError that names the field and what it accepts. */
export function parseSettingsPatch(input: unknown): Partial<AppSettings> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new SettingsError(`Settings must be an object, got ${describe(input)}.`);
  const out: Partial<AppSettings> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    switch (key) {
      case 'launchAtLogin':
        if (typeof value !== 'boolean') throw new SettingsError(`launchAtLogin must be true or false, got ${describe(value)}.`);
        out.launchAtLogin = value;
        break;
      case 'logRetentionDays':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_RETENTION_DAYS || value > MAX_RETENTION_DAYS) {
          throw new SettingsError(
            `logRetentionDays must be a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}, got ${describe(value)}.`,
          );
        }
        out.logRetentionDays = value;
        break;
      case 'proxyIdleMinutes':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_PROXY_IDLE_MINUTES) {
          throw new SettingsError(
            `proxyIdleMinutes must be a whole number of minutes from 0 (proxies always run) to ${MAX_PROXY_IDLE_MINUTES}, got ${describe(value)}.`,
          );
        }
        out.proxyIdleMinutes = value;
        break;
      case 'theme':
        if (!THEMES.includes(value as ThemeSetting)) throw new SettingsError(`theme must be one of ${THEMES.join(', ')}, got ${describe(value)}.`);
        out.theme = value as ThemeSetting;
        break;
      case 'weakStorage':
        if (!WEAK.includes(value as WeakStorageChoice)) throw new SettingsError(`weakStorage must be one of ${WEAK.join(', ')}, got ${describe(value)}.`);
        out.weakStorage = value as WeakStorageChoice;
        break;
      case 'newServerTools':
        if (!NEW_SERVER_TOOLS.includes(value as NewServerTools))
          throw new SettingsError(`newServerTools must be one of ${NEW_SERVER_TOOLS.join(', ')}, got ${describe(value)}.`);
        out.newServerTools = value as NewServerTools;
        break;
      case 'caFile':
        out.caFile = parseCaFile(value);
        break;
      case 'proxyUsername':
        if (typeof value !== 'string' || value.length > 256 || /[\u0000-\u001f:]/.test(value))
          throw new SettingsError(`proxyUsername must be a user name (no colon), got ${describe(value)}.`);
        out.proxyUsername = value.trim() || undefined;
        break;
      case 'enterpriseIdp':
        out.enterpriseIdp = parseIdp(value);
        break;
      default:
        throw new SettingsError(`Unknown setting "${key.slice(0, 64)}" (known: ${KEYS.join(', ')}).`);
    }
  }
  return out;
}

/** What is stored: anything damaged or missing falls back to the default, field by field. */
function fromStore(raw: unknown): AppSettings {
  const out: AppSettings = { ...DEFAULT_SETTINGS };
  if (typeof raw !== 'object' || raw === null) return out;
  for (const key of KEYS) {
    const value = (raw as Record<string, unknown>)[key];
    if (value === undefined && (OPTIONAL_KEYS as readonly string[]).includes(key)) continue;
    try {
      Object.assign(out, parseSettingsPatch({ [key]: value }));
    } catch {
      // keep the default for this field
    }
  }
  for (const key of OPTIONAL_KEYS) if (out[key] === undefined) delete out[key];
  return out;
}

export class SettingsService {
  private readonly listeners = new Set<(settings: AppSettings) => void>();

  constructor(
    private readonly store: SettingsStore,
    private readonly loginItems?: LoginItems,
  ) {}

  get loginItemSupported(): boolean {
    return !!this.loginItems;
  }

  /** The stored settings; launchAtLogin is what the system says, when the host can ask it. */
  get(): AppSettings {
    const s = fromStore(this.store.get('app'));
    if (this.loginItems) {
      try {
        s.launchAtLogin = this.loginItems.isEnabled();
      } catch {
        // keep the stored value
      }
    } else {
      s.launchAtLogin = false;
    }
    return s;
  }

  /** Validates, applies the login item, persists, and tells listeners (only when something changed). */
  set(patch: unknown): AppSettings {
    const p = parseSettingsPatch(patch);
    const before = this.get();
    if (p.launchAtLogin !== undefined && p.launchAtLogin !== before.launchAtLogin) {
      if (!this.loginItems) {
        if (p.launchAtLogin) throw new SettingsError('This host cannot start at login: launch at login is available in the desktop app only.');
      } else {
        this.loginItems.setEnabled(p.launchAtLogin);
      }
    }
    const stored: Record<string, unknown> = { ...fromStore(this.store.get('app')), ...p };
    for (const key of OPTIONAL_KEYS) if (stored[key] === undefined) delete stored[key];
    this.store.set('app', stored);
    const after = this.get();
    if (KEYS.some((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]))) for (const l of [...this.listeners]) l(after);
    return after;
  }

  /** Tells listeners the settings as stored now (after another process changed the file). */
  announce(): void {
    const now = this.get();
    for (const l of [...this.listeners]) l(now);
  }

  onDidChange(listener: (settings: AppSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
