import { useState } from 'react';
import { call } from '../api';
import { hostOf } from '../format';
import { useSignInPage } from '../sign-in';

interface Props {
  serverId: string;
  /** "Acme Docs": said in the sentence. */
  serverName: string;
  now: number;
  onCancel: () => void;
  /** Extra actions beside Cancel (the add flow's "Keep without signing in"). */
  children?: React.ReactNode;
}

function timeLeft(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * A browser sign-in in progress: what to do, how long it waits, and the ways out that stay
 * enabled the whole time: Open the sign-in page again (the tab was closed), Copy link (another
 * browser or profile), Cancel.
 */
export function SignInWaiting({ serverId, serverName, now, onCancel, children }: Props) {
  const page = useSignInPage(serverId, true);
  const [note, setNote] = useState<{ ok: boolean; text: string } | undefined>();

  async function openAgain() {
    setNote(undefined);
    const r = await call('auth:open-sign-in-page', { serverId });
    if (!r.ok) setNote({ ok: false, text: r.error });
  }

  async function copy() {
    if (!page) return;
    try {
      if (!navigator.clipboard?.writeText) throw new Error('the clipboard is not available here');
      await navigator.clipboard.writeText(page.url);
      setNote({ ok: true, text: 'Link copied: paste it into the browser you want to sign in with.' });
    } catch (err) {
      setNote({ ok: false, text: `Could not copy: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  return (
    <div className="sign-in-waiting" data-testid="sign-in-waiting">
      <p className="waiting" role="status">
        <span className="spinner" aria-hidden="true" /> Finish signing in to {serverName} in your browser
        {page ? (
          <>
            {' '}
            at <strong>{hostOf(page.url)}</strong>
          </>
        ) : null}
        .
        {page && (
          <span className="muted" data-testid="sign-in-time-left">
            {' '}
            This page works for {timeLeft(page.expiresAt - now)} more.
          </span>
        )}
      </p>
      <div className="step-actions step-actions-start">
        <button type="button" className="btn" onClick={() => void openAgain()} disabled={!page}>
          Open the sign-in page again
        </button>
        <button type="button" className="btn" onClick={() => void copy()} disabled={!page}>
          Copy link
        </button>
        {children}
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {note && (
        <p className={note.ok ? 'note-ok' : 'form-error'} role={note.ok ? 'status' : 'alert'}>
          {note.text}
        </p>
      )}
    </div>
  );
}
