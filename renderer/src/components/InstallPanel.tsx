import { useCallback, useEffect, useState } from 'react';
import type { ClientApp, InstallStatus } from '../../../common/contract';
import { call } from '../api';

interface Props {
  serverId: string;
  clients: ClientApp[];
  /** Called after every install or removal (the Clients view's matrix reloads from it). */
  onChanged?: () => void;
}

export function installStateText(s: InstallStatus | undefined): string {
  if (s === undefined) return '…';
  switch (s.state) {
    case 'installed':
      return `Installed as "${s.name}"`;
    case 'stale':
      if (s.otherInstall) return 'Another MCP Switchboard’s entry';
      return s.reason === 'launcher' ? 'Needs repair' : 'Changed by you';
    case 'cannot-install':
      return s.reason;
    default:
      return 'Not installed';
  }
}

/**
 * "Install into": one row per MCP client on this machine (and any client that already has the
 * server), with its state, a one-click Install / Remove / Repair, and what the client needs to
 * pick the change up.
 */
export function InstallPanel({ serverId, clients, onChanged }: Props) {
  const [states, setStates] = useState<InstallStatus[] | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();

  const refresh = useCallback(async () => {
    const r = await call('clients:status', { serverId });
    if (r.ok) setStates(r.value);
    else setMessage({ kind: 'error', text: `Could not read the client configs: ${r.error}` });
  }, [serverId]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const stateOf = (clientId: string) => states?.find((s) => s.clientId === clientId);
  const shown = clients.filter((c) => {
    const s = stateOf(c.id);
    return c.present || (s && s.state !== 'not-installed' && s.state !== 'cannot-install');
  });

  async function change(client: ClientApp, install: boolean) {
    setBusy(client.id);
    setMessage(undefined);
    const r = await call(install ? 'clients:install' : 'clients:uninstall', { serverId, clientId: client.id });
    setBusy(undefined);
    if (r.ok) {
      setMessage({ kind: 'ok', text: `${install ? 'Installed into' : 'Removed from'} ${client.name}. ${r.value.restartHint}` });
    } else {
      setMessage({ kind: 'error', text: r.error });
    }
    await refresh();
    onChanged?.();
  }

  return (
    <div className="install" data-testid="install-panel">
      {shown.length === 0 ? (
        <p className="muted">No MCP clients found on this computer (Claude Desktop, Cursor, VS Code, …).</p>
      ) : (
        <ul className="install-list">
          {shown.map((c) => {
            const s = stateOf(c.id);
            const installed = s?.state === 'installed' || s?.state === 'stale';
            const action = s?.state === 'stale' ? 'Repair' : installed ? 'Remove' : 'Install';
            return (
              <li key={c.id} data-testid="install-row" data-client-id={c.id}>
                <div className="install-who">
                  <span className="install-name" title={c.configPath}>
                    {c.name}
                  </span>
                  <span className="install-hint">{c.restartHint}</span>
                </div>
                <span
                  className={`install-state install-${s?.state ?? 'unknown'}`}
                  data-testid="install-state"
                  title={s?.state === 'stale' ? s.detail : undefined}
                >
                  {installStateText(s)}
                </span>
                {s?.state !== 'cannot-install' && (
                  <button
                    type="button"
                    className={`btn btn-small${action === 'Install' ? ' btn-accent' : ''}`}
                    disabled={busy !== undefined || s === undefined}
                    onClick={() => void change(c, !installed || s?.state === 'stale')}
                    aria-label={
                      action === 'Install' ? `Install into ${c.name}` : action === 'Remove' ? `Remove from ${c.name}` : `Repair the entry in ${c.name}`
                    }
                  >
                    {busy === c.id ? '…' : action}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {message && (
        <p className={message.kind === 'ok' ? 'note-ok' : 'form-error'} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </div>
  );
}
