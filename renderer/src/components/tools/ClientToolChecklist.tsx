import { useState } from 'react';
import type { ClientTools } from '../../../../common/contract';
import { call } from '../../api';
import { lastSeenText, tokens } from './tool-text';
import { useToolsLoad } from './use-tools-load';
import './tools.css';

interface Props {
  serverId: string;
  now: number;
}

/**
 * Per client install of the server: when it last connected (and as what), the tools it sees with a
 * check box each (off: left out of its tools/list and refused on call), and what they cost its
 * context. A change reaches the connected client at once (tools/list_changed).
 */
export function ClientToolChecklist({ serverId, now }: Props) {
  const [load, setLoad] = useToolsLoad(() => call('tools:clients', { serverId }), serverId, [serverId]);
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();

  async function toggle(row: ClientTools, tool: string, hidden: boolean) {
    const key = `${row.clientId}:${tool}`;
    setBusy(key);
    setError(undefined);
    const r = await call('tools:set-hidden', { serverId, clientId: row.clientId, tool, hidden });
    setBusy(undefined);
    if (!r.ok) return setError(r.error);
    setLoad((l) => (l.kind === 'ready' ? { kind: 'ready', value: l.value.map((x) => (x.clientId === row.clientId ? r.value : x)) } : l));
  }

  return (
    <div className="client-tools" data-testid="client-tools">
      <h3 className="panel-title">Tools per client</h3>
      {load.kind === 'loading' && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {load.kind === 'failed' && (
        <p className="form-error" role="alert">
          Could not load the clients: {load.error}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {load.kind === 'ready' && load.value.length === 0 && <p className="muted">Install the server into a client to choose the tools it sees.</p>}
      {load.kind === 'ready' &&
        load.value.map((row) => (
          <fieldset key={row.clientId} className="client-tools-row" data-testid="client-tools-row" data-client-id={row.clientId}>
            <legend>
              <span className="client-tools-name">{row.clientName}</span>
              <span className="muted small" data-testid="client-cost">
                {row.visible} of {row.tools.length} tools · {tokens(row.tokens)}
              </span>
            </legend>
            <p className={`small ${row.lastSeen ? 'muted' : 'warn-text'}`} data-testid="last-seen">
              {lastSeenText(row.lastSeen, row.clientName, row.installed, now)}
            </p>
            {row.tools.length === 0 && <p className="muted small">No approved tools yet.</p>}
            <ul className="checklist">
              {row.tools.map((t) => (
                <li key={t.name}>
                  <label>
                    <input
                      type="checkbox"
                      checked={!t.hidden}
                      disabled={busy !== undefined}
                      onChange={(e) => void toggle(row, t.name, !e.target.checked)}
                      aria-label={`${t.name} for ${row.clientName}`}
                    />
                    <code>{t.name}</code>
                    <span className="muted small">{tokens(t.tokens)}</span>
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        ))}
    </div>
  );
}
