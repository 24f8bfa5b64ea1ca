import { useEffect, useState } from 'react';
import type { ClientApp, ServerSummary } from '../../../common/contract';
import { call } from '../api';

interface Props {
  server: ServerSummary;
  clients: ClientApp[];
  onChanged: (server: ServerSummary) => void;
}

/**
 * The stand-ins of one server (the window asking what a client cannot: elicitation): on or off for
 * the server, and, while on, per client it is installed in, so a client that should never be
 * interrupted can be left out.
 */
export function StandInsSetting({ server, clients, onChanged }: Props) {
  const [installedIn, setInstalledIn] = useState<string[]>([]);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    void call('clients:status', { serverId: server.id }).then((r) => {
      if (live && r.ok) setInstalledIn(r.value.filter((s) => s.state === 'installed' || s.state === 'stale').map((s) => s.clientId));
    });
    return () => {
      live = false;
    };
  }, [server.id]);

  async function set(enabled: boolean, clientId?: string) {
    setError(undefined);
    const r = await call('servers:set-stand-ins', { serverId: server.id, enabled, ...(clientId ? { clientId } : {}) });
    if (r.ok) onChanged(r.value);
    else setError(r.error);
  }

  const on = server.standIns !== false;
  const off = new Set(server.standInsOffFor ?? []);
  return (
    <>
      <label className="check">
        <input type="checkbox" data-testid="stand-ins" checked={on} onChange={(e) => void set(e.target.checked)} />
        <span className="check-label">Ask here, in this window, what a client cannot ask you itself (elicitation)</span>
      </label>
      {on && installedIn.length > 0 && (
        <ul className="checklist stand-ins-clients" aria-label="Clients that get the stand-ins">
          {installedIn.map((id) => {
            const name = clients.find((c) => c.id === id)?.name ?? id;
            return (
              <li key={id}>
                <label className="check">
                  <input type="checkbox" data-testid={`stand-ins-${id}`} checked={!off.has(id)} onChange={(e) => void set(e.target.checked, id)} />
                  <span className="check-label">For {name}</span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
