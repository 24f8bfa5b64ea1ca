import { useEffect, useId, useState } from 'react';
import type { AppInfo, AppSettings, ThemeSetting, WeakStorageChoice } from '../../../common/contract';
import { STORAGE_CHOICES, STORAGE_PROBLEM } from '../../../common/wording';
import { platformLabel, storageLabel } from '../format';
import { PathActions } from './PathActions';
import { CompanySignIn } from './settings/CompanySignIn';
import { IdleSetting } from './settings/IdleSetting';
import { NetworkSettings } from './settings/NetworkSettings';
import { RegistrySettings } from './settings/RegistrySettings';

interface Props {
  settings?: AppSettings;
  settingsError?: string;
  info?: AppInfo;
  update: (patch: Partial<AppSettings>) => Promise<string | undefined>;
}

const THEMES: Array<{ value: ThemeSetting; label: string }> = [
  { value: 'system', label: 'Same as the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** The two choices without a keyring, in the words the first sign-in's question uses (common/wording.ts). */
export const WEAK_STORAGE_CHOICES: Array<{ value: Exclude<WeakStorageChoice, 'ask'>; label: string; hint: string }> = [
  { value: 'store', ...STORAGE_CHOICES.store },
  { value: 'memory', ...STORAGE_CHOICES.memory },
];

export const RETENTION_MIN = 1;
export const RETENTION_MAX = 90;

export function SettingsView({ settings, settingsError, info, update }: Props) {
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState<string | undefined>();
  const [retention, setRetention] = useState('');
  const [retentionError, setRetentionError] = useState<string | undefined>();
  const loginId = useId();
  const loginHintId = useId();
  const retentionId = useId();
  const retentionHintId = useId();

  const storedRetention = settings?.logRetentionDays;
  useEffect(() => {
    if (storedRetention !== undefined) setRetention(String(storedRetention));
  }, [storedRetention]);

  async function save(patch: Partial<AppSettings>, what: string) {
    setError(undefined);
    setSaved(undefined);
    const err = await update(patch);
    if (err) setError(err);
    else setSaved(what);
  }

  async function saveRetention() {
    if (!settings) return;
    const n = Number(retention);
    if (!Number.isInteger(n) || n < RETENTION_MIN || n > RETENTION_MAX) {
      setRetentionError(`Enter a whole number of days from ${RETENTION_MIN} to ${RETENTION_MAX}.`);
      return;
    }
    setRetentionError(undefined);
    if (n !== settings.logRetentionDays) await save({ logRetentionDays: n }, `Log files are kept for ${n} day${n === 1 ? '' : 's'}.`);
  }

  const storage = info?.secretStorage;

  return (
    <section className="view settings" aria-labelledby="settings-title">
      <div className="view-head">
        <div>
          <h2 id="settings-title">Settings</h2>
        </div>
      </div>
      {settingsError && (
        <p className="form-error" role="alert">
          Could not load the settings: {settingsError}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {saved && !error && (
        <p className="note-ok" role="status">
          Saved. {saved}
        </p>
      )}

      <div className="card panel">
        <h3 className="panel-title">General</h3>
        <div className="setting">
          <label className="check" htmlFor={loginId}>
            <input
              id={loginId}
              type="checkbox"
              checked={settings?.launchAtLogin ?? false}
              disabled={!settings || info?.loginItemSupported === false}
              aria-describedby={loginHintId}
              onChange={(e) =>
                void save(
                  { launchAtLogin: e.target.checked },
                  e.target.checked ? 'Switchboard starts when you log in.' : 'Switchboard no longer starts at login.',
                )
              }
            />
            <span className="check-label">Launch at login</span>
          </label>
          <p className="setting-hint" id={loginHintId}>
            {info?.loginItemSupported === false
              ? 'Only the desktop app can start at login; this window belongs to Switchboard running without one.'
              : 'Starts in the background, in the tray, so your clients find their servers ready.'}
          </p>
        </div>
        <div className="setting">
          <div className="field field-inline">
            <label htmlFor={retentionId}>Keep log files for</label>
            <span className="input-suffix">
              <input
                id={retentionId}
                type="number"
                inputMode="numeric"
                min={RETENTION_MIN}
                max={RETENTION_MAX}
                value={retention}
                disabled={!settings}
                aria-invalid={retentionError ? true : undefined}
                aria-describedby={retentionHintId}
                onChange={(e) => setRetention(e.target.value)}
                onBlur={() => void saveRetention()}
                onKeyDown={(e) => e.key === 'Enter' && void saveRetention()}
              />
              <span>days</span>
            </span>
          </div>
          <p className={retentionError ? 'setting-hint setting-error' : 'setting-hint'} id={retentionHintId} role={retentionError ? 'alert' : undefined}>
            {retentionError ?? `Older rotated log files are deleted (${RETENTION_MIN}–${RETENTION_MAX} days).`}
          </p>
        </div>
        <IdleSetting settings={settings} save={save} />
      </div>

      <div className="card panel">
        <h3 className="panel-title">Tools of new servers</h3>
        <div className="setting">
          <label className="check">
            <input
              type="checkbox"
              data-testid="review-new-tools"
              checked={(settings?.newServerTools ?? 'review') === 'review'}
              disabled={!settings}
              onChange={(e) =>
                void save(
                  { newServerTools: e.target.checked ? 'review' : 'trust' },
                  e.target.checked
                    ? "A new server's tools wait for your review before any client sees them."
                    : "A new server's first tools are approved as they are.",
                )
              }
            />
            <span className="check-label">Review a new server&apos;s tools before any client sees them</span>
          </label>
          <p className="setting-hint">
            Recommended. Off: the tools a new server lists first are approved as they are. Either way, a tool that changes later waits for your review (each
            server&apos;s Tools tab).
          </p>
        </div>
      </div>

      <div className="card panel">
        <fieldset className="fieldset-plain">
          <legend className="panel-title">Appearance</legend>
          <div className="segmented">
            {THEMES.map((t) => (
              <label key={t.value} className={settings?.theme === t.value ? 'segment segment-on' : 'segment'}>
                <input
                  type="radio"
                  name="theme"
                  value={t.value}
                  checked={settings?.theme === t.value}
                  disabled={!settings}
                  onChange={() => void save({ theme: t.value }, `Theme: ${t.label.toLowerCase()}.`)}
                />
                {t.label}
              </label>
            ))}
          </div>
        </fieldset>
      </div>

      <div className="card panel" data-testid="secret-storage">
        <h3 className="panel-title">Sign-in storage</h3>
        {!info ? (
          <p className="muted">…</p>
        ) : !storage ? (
          <p className="muted">This host does not sign in to servers, so it stores no sign-ins.</p>
        ) : storage.secure ? (
          <p>
            <span className="yes">Protected.</span> Sign-ins are encrypted with a key only your keyring holds: {storageLabel(storage.backend)}.
          </p>
        ) : (
          <>
            <p data-testid="storage-status">
              <strong>{STORAGE_PROBLEM}</strong> {info.platform === 'linux' ? 'Installing and unlocking GNOME Keyring or KWallet protects them. ' : ''}
              <span className="muted">Now: {storageLabel(storage.backend)}.</span>
            </p>
            <fieldset className="fieldset choose-storage">
              <legend>
                {settings?.weakStorage === 'ask' ? 'You are asked at your first sign-in; or choose now:' : 'Where Switchboard keeps your sign-ins:'}
              </legend>
              {WEAK_STORAGE_CHOICES.map((c) => (
                <label key={c.value} className="check check-block">
                  <input
                    type="radio"
                    name="weak-storage"
                    value={c.value}
                    checked={settings?.weakStorage === c.value}
                    disabled={!settings}
                    onChange={() => void save({ weakStorage: c.value }, `${c.label}.`)}
                  />
                  <span>
                    <span className="check-label">{c.label}</span>
                    <span className="muted small block">{c.hint}</span>
                  </span>
                </label>
              ))}
            </fieldset>
          </>
        )}
      </div>

      <RegistrySettings />
      <NetworkSettings settings={settings} save={save} />
      {storage && <CompanySignIn />}

      <div className="card panel">
        <h3 className="panel-title">About</h3>
        <dl className="facts">
          <div>
            <dt>Version</dt>
            <dd data-testid="version">{info?.version ?? '…'}</dd>
          </div>
          <div>
            <dt>Data folder</dt>
            <dd>{info?.dataDir ? <PathActions path={info.dataDir} home={info.homeDir} canReveal={info.canReveal} /> : '…'}</dd>
          </div>
          <div>
            <dt>Platform</dt>
            <dd>{info ? platformLabel(info.platform) : '…'}</dd>
          </div>
        </dl>
      </div>
    </section>
  );
}
