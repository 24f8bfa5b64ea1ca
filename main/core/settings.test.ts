// Settings over a real conf store in a temp dir. The LoginItems port is an in-memory stand-in
// (FAKE): the real one is Electron's login item API, which cannot run here.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppSettings } from '../../common/contract';
import type { LoginItems } from './ports';
import { DEFAULT_SETTINGS, parseSettingsPatch, SettingsService } from './settings';
import { ServerRegistry } from './servers/server-registry';

let dir: string;
const conf = () => new Conf({ cwd: dir, configName: 'settings', projectName: 'mcp-switchboard', projectSuffix: '' });

class FakeLoginItems implements LoginItems {
  enabled = false;
  calls: boolean[] = [];
  isEnabled(): boolean {
    return this.enabled;
  }
  setEnabled(enabled: boolean): void {
    this.calls.push(enabled);
    this.enabled = enabled;
  }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-settings-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('Settings ▸ Network and Company sign-in (issue 17)', () => {
  it('takes an absolute CA file, a proxy user and an https identity provider; empty clears them', () => {
    expect(
      parseSettingsPatch({ caFile: '/etc/corp/root.pem', proxyUsername: 'ann', enterpriseIdp: { issuer: 'https://login.corp.example/', clientId: 'sb' } }),
    ).toEqual({
      caFile: '/etc/corp/root.pem',
      proxyUsername: 'ann',
      enterpriseIdp: { issuer: 'https://login.corp.example', clientId: 'sb' },
    });
    expect(parseSettingsPatch({ caFile: '', proxyUsername: '', enterpriseIdp: null })).toEqual({
      caFile: undefined,
      proxyUsername: undefined,
      enterpriseIdp: undefined,
    });
    expect(() => parseSettingsPatch({ caFile: 'root.pem' })).toThrow(/absolute path/);
    expect(() => parseSettingsPatch({ proxyUsername: 'a:b' })).toThrow(/no colon/);
    expect(() => parseSettingsPatch({ enterpriseIdp: { issuer: 'http://login.corp.example', clientId: 'sb' } })).toThrow(/https/);
    expect(() => parseSettingsPatch({ enterpriseIdp: { issuer: 'https://login.corp.example', clientId: '' } })).toThrow(/client ID/);
  });

  it('are kept, told to listeners, and removed again (absent, not empty)', () => {
    const store = conf();
    const s = new SettingsService(store);
    const seen: AppSettings[] = [];
    s.onDidChange((x) => seen.push(x));
    s.set({ caFile: '/etc/corp/root.pem', enterpriseIdp: { issuer: 'https://login.corp.example', clientId: 'sb' } });
    expect(s.get()).toMatchObject({ caFile: '/etc/corp/root.pem', enterpriseIdp: { issuer: 'https://login.corp.example', clientId: 'sb' } });
    s.set({ caFile: '', enterpriseIdp: null });
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(Object.keys(store.get('app') as object).sort()).toEqual(Object.keys(DEFAULT_SETTINGS).sort());
    expect(seen).toHaveLength(2);
  });
});

describe('parseSettingsPatch', () => {
  it('accepts each valid field and refuses everything else with the field named', () => {
    expect(parseSettingsPatch({})).toEqual({});
    expect(parseSettingsPatch({ launchAtLogin: true, logRetentionDays: 90, theme: 'light', weakStorage: 'memory' })).toEqual({
      launchAtLogin: true,
      logRetentionDays: 90,
      theme: 'light',
      weakStorage: 'memory',
    });
    expect(parseSettingsPatch({ logRetentionDays: 1 })).toEqual({ logRetentionDays: 1 });
    expect(() => parseSettingsPatch({ logRetentionDays: 0 })).toThrow(/from 1 to 90/);
    expect(() => parseSettingsPatch({ logRetentionDays: '7' })).toThrow(/logRetentionDays/);
    expect(() => parseSettingsPatch({ logRetentionDays: Number.NaN })).toThrow(/logRetentionDays/);
    expect(() => parseSettingsPatch({ launchAtLogin: 1 })).toThrow(/launchAtLogin must be true or false/);
    expect(() => parseSettingsPatch({ theme: 'DARK' })).toThrow(/theme must be one of/);
    expect(() => parseSettingsPatch({ weakStorage: undefined })).toThrow(/weakStorage must be one of/);
    expect(() => parseSettingsPatch({ __proto__x: 1 })).toThrow(/Unknown setting "__proto__x"/);
    expect(() => parseSettingsPatch([])).toThrow(/must be an object/);
  });
});

describe('SettingsService', () => {
  it('persists under its own key next to the servers, and survives a reopen', () => {
    const store = conf();
    const registry = new ServerRegistry(store);
    registry.add({ url: 'https://mcp.linear.app/mcp' });
    const s = new SettingsService(store);
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    const seen: AppSettings[] = [];
    s.onDidChange((v) => seen.push(v));
    expect(s.set({ theme: 'dark', logRetentionDays: 30 })).toMatchObject({ theme: 'dark', logRetentionDays: 30 });
    s.set({ theme: 'dark' }); // no change: no event
    expect(seen).toHaveLength(1);
    const again = new SettingsService(conf());
    expect(again.get()).toMatchObject({ theme: 'dark', logRetentionDays: 30, weakStorage: 'ask' });
    expect(new ServerRegistry(conf()).list()).toHaveLength(1);
    const file = JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8'));
    expect(file.app).toMatchObject({ theme: 'dark', logRetentionDays: 30 });
    expect(file.servers).toHaveLength(1);
  });

  it('refuses invalid updates without saving anything', () => {
    const store = conf();
    const s = new SettingsService(store);
    expect(() => s.set({ theme: 'dark', logRetentionDays: 500 })).toThrow(/from 1 to 90/);
    expect(() => s.set({ colour: 'red' })).toThrow(/Unknown setting/);
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(store.get('app')).toBeUndefined();
  });

  it('falls back to the default field by field when the stored value is damaged', () => {
    const store = conf();
    store.set('app', { theme: 'neon', logRetentionDays: 3, launchAtLogin: 'x' });
    expect(new SettingsService(store).get()).toEqual({ ...DEFAULT_SETTINGS, logRetentionDays: 3 });
  });

  it('launch at login goes through the LoginItems port and reads its truth', () => {
    const items = new FakeLoginItems();
    const s = new SettingsService(conf(), items);
    expect(s.loginItemSupported).toBe(true);
    expect(s.set({ launchAtLogin: true }).launchAtLogin).toBe(true);
    expect(items.calls).toEqual([true]);
    // Turned off in the system settings behind the app's back: get() says so.
    items.enabled = false;
    expect(s.get().launchAtLogin).toBe(false);
    s.set({ launchAtLogin: false });
    expect(items.calls).toEqual([true]);
  });

  it('without the port, launch at login cannot be turned on (a clear sentence) and reads false', () => {
    const s = new SettingsService(conf());
    expect(s.loginItemSupported).toBe(false);
    expect(() => s.set({ launchAtLogin: true })).toThrow(/cannot start at login.*desktop app only/);
    expect(s.set({ launchAtLogin: false }).launchAtLogin).toBe(false);
    expect(s.get().launchAtLogin).toBe(false);
  });
});
