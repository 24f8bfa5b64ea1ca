import { useState } from 'react';
import { call } from '../api';
import { tildePath } from '../format';

/**
 * A path as the user knows it ("~/.cursor/mcp.json", cut in the middle when long), with Copy and,
 * where the host can, Reveal (shows it in the file manager).
 */
export function PathActions({ path, home, canReveal }: { path: string; home?: string; canReveal?: boolean }) {
  const [note, setNote] = useState<string | undefined>();
  const shown = tildePath(path, home);
  async function copy() {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('the clipboard is not available here');
      await navigator.clipboard.writeText(path);
      setNote('Copied');
    } catch (err) {
      setNote(`Could not copy: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  async function reveal() {
    const r = await call('app:reveal', { path });
    setNote(r.ok ? undefined : r.error);
  }
  return (
    <span className="path-actions">
      <span className="mono path" title={path}>
        {shown}
      </span>
      <span className="path-buttons">
        {canReveal && (
          <button type="button" className="btn-link small" onClick={() => void reveal()} aria-label={`Reveal ${shown}`}>
            Reveal
          </button>
        )}
        <button type="button" className="btn-link small" onClick={() => void copy()} aria-label={`Copy the path ${shown}`}>
          Copy
        </button>
        {note && (
          <span className="muted small" role="status">
            {note}
          </span>
        )}
      </span>
    </span>
  );
}
