import { useEffect, useId, useState } from 'react';
import type { AppSettings } from '../../../../common/contract';
import { PROXY_IDLE_SETTING } from '../../../../common/wording';

export const IDLE_MIN = 0;
export const IDLE_MAX = 1440;

/** Settings ▸ General: minutes a server's proxy runs with no client (0: always). */
export function IdleSetting({ settings, save }: { settings?: AppSettings; save: (patch: Partial<AppSettings>, what: string) => Promise<void> }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const id = useId();
  const hintId = useId();
  const stored = settings?.proxyIdleMinutes;
  useEffect(() => {
    if (stored !== undefined) setValue(String(stored));
  }, [stored]);

  async function commit() {
    if (!settings) return;
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < IDLE_MIN || n > IDLE_MAX) {
      setError(`Enter a whole number of minutes from ${IDLE_MIN} to ${IDLE_MAX}.`);
      return;
    }
    setError(undefined);
    if (n === settings.proxyIdleMinutes) return;
    await save(
      { proxyIdleMinutes: n },
      n === 0 ? 'Every server’s proxy keeps running.' : `A server’s proxy stops after ${n} minute${n === 1 ? '' : 's'} without a client.`,
    );
  }

  return (
    <div className="setting">
      <div className="field field-inline">
        <label htmlFor={id}>{PROXY_IDLE_SETTING.label}</label>
        <span className="input-suffix">
          <input
            id={id}
            type="number"
            inputMode="numeric"
            min={IDLE_MIN}
            max={IDLE_MAX}
            value={value}
            disabled={!settings}
            aria-invalid={error ? true : undefined}
            aria-describedby={hintId}
            onChange={(e) => setValue(e.target.value)}
            onBlur={() => void commit()}
            onKeyDown={(e) => e.key === 'Enter' && void commit()}
          />
          <span>minutes</span>
        </span>
      </div>
      <p className={error ? 'setting-hint setting-error' : 'setting-hint'} id={hintId} role={error ? 'alert' : undefined}>
        {error ?? PROXY_IDLE_SETTING.hint}
      </p>
    </div>
  );
}
