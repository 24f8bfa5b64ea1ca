import { useCallback, useEffect, useState } from 'react';
import type { ClientApp, InstallStatus } from '../../../preload/contract';
import { call } from '../api';

interface Props {
  serverId: string;
  clients: ClientApp[];
}

/**
 * "Install into": one row per MCP client on this machine (and any client that already has the
 * server), with its state and a one-click Install / Remove. After a change it says what the client
 * needs to pick it up.
 */
export function InstallPanel({ serverId, clients }: Props) {
  const [states, setStates] = useState<InstallStatus[] | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();

  const refresh = useCallback(async () => {
    const r = await call('clients:status', { serverId });
    if (r.ok) setStates(r.value);
    else setMessage({ kind: 'error', text: r.error });
  }, [serverId]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const stateOf = (clientId: string) => states?.find((s) => s.clientId === clientId);
  const shown = clients.filter((c) => c.present || (stateOf(c.id) && stateOf(c.id)!.state !== 'not-installed' && stateOf(c.id)!.state !== 'cannot-install'));

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
  }

  if (!shown.length) {
    return (
      <p className="install-empty" data-testid="install-panel">
        No MCP clients found on this computer (Claude Desktop, Cursor, VS Code, …).
      </p>
    );
  }

  return (
    <div className="install" data-testid="install-panel">
      <h4>Install into</h4>
      <ul>
        {shown.map((c) => {
          const s = stateOf(c.id);
          const installed = s?.state === 'installed' || s?.state === 'stale';
          return (
            <li key={c.id} data-testid="install-row" data-client-id={c.id}>
              <span className="install-name" title={c.configPath}>
                {c.name}
              </span>
              <span className={`install-state install-${s?.state ?? 'unknown'}`} data-testid="install-state">
                {s === undefined
                  ? '…'
                  : s.state === 'installed'
                    ? `Installed as "${s.name}"`
                    : s.state === 'stale'
                      ? s.reason === 'launcher'
                        ? 'Needs repair'
                        : 'Changed by you'
                      : s.state === 'cannot-install'
                        ? s.reason
                        : 'Not installed'}
              </span>
              {s?.state !== 'cannot-install' && (
                <button type="button" className="btn btn-small" disabled={busy !== undefined || s === undefined} onClick={() => void change(c, !installed || s?.state === 'stale')}>
                  {busy === c.id ? '…' : s?.state === 'stale' ? 'Repair' : installed ? 'Remove' : 'Install'}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {message && (
        <p className={message.kind === 'ok' ? 'install-ok' : 'install-error'} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </div>
  );
}
