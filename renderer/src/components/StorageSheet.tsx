import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { STORAGE_CHOICES, STORAGE_PROBLEM } from '../../../common/wording';

interface Props {
  serverName: string;
  platform: string;
  /** Saves the choice; resolves to the refusal's sentence, or undefined when saved. */
  onChoose: (choice: 'store' | 'memory') => Promise<string | undefined>;
  onCancel: () => void;
}

/**
 * Asked once, at the first sign-in that needs it (not as a banner on every view): this computer has
 * no keyring, so where should sign-ins be kept? The two choices with their consequences, in the
 * words Settings uses too. Escape or Cancel: no sign-in.
 */
export function StorageSheet({ serverName, platform, onChoose, onCancel }: Props) {
  const titleId = useId();
  const bodyId = useId();
  const firstRef = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    firstRef.current?.focus();
    return () => {
      if (opener && typeof opener.focus === 'function' && opener.isConnected) opener.focus();
    };
  }, []);

  async function choose(choice: 'store' | 'memory') {
    setBusy(true);
    setError(undefined);
    const err = await onChoose(choice);
    setBusy(false);
    if (err) setError(err);
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !busy) {
      e.stopPropagation();
      onCancel();
    }
  };

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onCancel()}>
      <div
        className="dialog dialog-wide"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        onKeyDown={onKeyDown}
        data-testid="storage-sheet"
      >
        <h2 id={titleId} className="dialog-title">
          Before you sign in to {serverName}
        </h2>
        <div id={bodyId} className="dialog-body">
          <p>
            {STORAGE_PROBLEM} Choose where Switchboard keeps them.
            {platform === 'linux' ? ' Installing and unlocking GNOME Keyring or KWallet protects them instead.' : ''} You can change this later in Settings.
          </p>
        </div>
        <div className="choice-list">
          {(['store', 'memory'] as const).map((c, i) => (
            <button key={c} ref={i === 0 ? firstRef : undefined} type="button" className="choice" disabled={busy} onClick={() => void choose(c)}>
              <span className="choice-label">{STORAGE_CHOICES[c].label}</span>
              <span className="choice-hint">{STORAGE_CHOICES[c].hint}</span>
            </button>
          ))}
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
