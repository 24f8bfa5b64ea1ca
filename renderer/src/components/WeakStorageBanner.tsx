import { useState } from 'react';
import type { AppSettings, SecretStorageInfo } from '../../../common/contract';

interface Props {
  storage: SecretStorageInfo;
  update: (patch: Partial<AppSettings>) => Promise<string | undefined>;
  onDetails: () => void;
}

/** Asks once, on every view, what to do with tokens when no keyring can protect them. */
export function WeakStorageBanner({ storage, update, onDetails }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  async function choose(weakStorage: 'store' | 'memory') {
    setBusy(true);
    setError(undefined);
    const err = await update({ weakStorage });
    setBusy(false);
    if (err) setError(err);
  }
  return (
    <div className="banner banner-warn" role="region" aria-label="Token storage warning" data-testid="weak-storage-banner">
      <div className="banner-text">
        <strong>Sign-in tokens cannot be stored securely here.</strong> {storage.warning ?? `No system keyring is available (${storage.backend}).`} Choose what
        Switchboard should do.
        {error && (
          <span className="banner-error-text" role="alert">
            {' '}
            {error}
          </span>
        )}
      </div>
      <div className="banner-actions">
        <button type="button" className="btn btn-small" disabled={busy} onClick={() => void choose('store')}>
          Store anyway
        </button>
        <button type="button" className="btn btn-small" disabled={busy} onClick={() => void choose('memory')}>
          Keep in memory only
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={onDetails}>
          Details
        </button>
      </div>
    </div>
  );
}
