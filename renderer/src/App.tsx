import { useCallback, useEffect, useState } from 'react';
import type { AddProposal, AppInfo, ClientApp, ServerSummary } from '../../preload/contract';
import { bridge, call, on } from './api';
import { AddServerForm } from './components/AddServerForm';
import { EmptyState } from './components/EmptyState';
import { ServerCard } from './components/ServerCard';
import { useNow } from './hooks';
import iconUrl from '../../assets/icon.png';

type Load = { kind: 'loading' } | { kind: 'ready' } | { kind: 'failed'; error: string };

export function App() {
  const [servers, setServers] = useState<ServerSummary[]>([]);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [info, setInfo] = useState<AppInfo | undefined>();
  const [clients, setClients] = useState<ClientApp[]>([]);
  const [proposal, setProposal] = useState<AddProposal | undefined>();
  const now = useNow(1000);

  const refresh = useCallback(async () => {
    const result = await call('servers:list', undefined);
    if (result.ok) {
      setServers(result.value);
      setLoad({ kind: 'ready' });
    } else {
      setLoad({ kind: 'failed', error: result.error });
    }
  }, []);

  useEffect(() => {
    // Subscribe before the first list so no change slips between the two.
    const offList = on('servers:did-change-list', (list) => setServers(list));
    const offStatus = on('servers:did-change-status', (status) =>
      setServers((list) => list.map((s) => (s.id === status.serverId ? { ...s, status } : s))),
    );
    void refresh();
    void call('app:info', undefined).then((r) => r.ok && setInfo(r.value));
    void call('clients:list', undefined).then((r) => r.ok && setClients(r.value));
    // A link may have proposed a server before this window existed, or while it is open.
    void call('app:take-proposal', undefined).then((r) => r.ok && r.value && setProposal(r.value));
    const offProposal = on('app:did-propose-add', (p) => setProposal({ ...p }));
    return () => {
      offList();
      offStatus();
      offProposal();
    };
  }, [refresh]);

  const onChanged = useCallback((updated: ServerSummary) => {
    setServers((list) => list.map((s) => (s.id === updated.id ? updated : s)));
  }, []);
  const onAdded = useCallback((added: ServerSummary) => {
    setServers((list) => (list.some((s) => s.id === added.id) ? list : [...list, added]));
  }, []);
  const onRemoved = useCallback((id: string) => setServers((list) => list.filter((s) => s.id !== id)), []);

  const enabled = servers.filter((s) => s.enabled);
  const ready = enabled.filter((s) => s.status.state === 'ready').length;
  const attention = enabled.filter((s) => ['error', 'needs-sign-in', 'retrying'].includes(s.status.state)).length;

  return (
    <div className="page">
      <header className="header">
        <img className="header-logo" src={iconUrl} alt="" width={40} height={40} />
        <div className="header-text">
          <h1>MCP Switchboard</h1>
          <p className="muted">Remote MCP servers, ready for every MCP client on this machine.</p>
        </div>
        {servers.length > 0 && (
          <div className="summary" aria-label="Summary">
            <span className="summary-item">
              <strong>{ready}</strong> of {enabled.length} ready
            </span>
            {attention > 0 && (
              <span className="summary-item summary-attention">
                <strong>{attention}</strong> need{attention === 1 ? 's' : ''} attention
              </span>
            )}
          </div>
        )}
      </header>

      {!bridge() && (
        <div className="banner banner-error" role="alert">
          The Switchboard bridge is missing: this page only works inside the MCP Switchboard app.
        </div>
      )}

      <AddServerForm onAdded={onAdded} proposal={proposal} />

      <section className="servers" aria-label="Servers">
        <div className="section-head">
          <h2>Servers</h2>
          {servers.length > 0 && <span className="count">{servers.length}</span>}
        </div>
        {load.kind === 'loading' && <p className="muted">Loading servers…</p>}
        {load.kind === 'failed' && (
          <div className="banner banner-error" role="alert">
            Could not load the servers: {load.error}{' '}
            <button type="button" className="btn btn-small" onClick={() => void refresh()}>
              Try again
            </button>
          </div>
        )}
        {load.kind === 'ready' && servers.length === 0 && <EmptyState />}
        <ul className="server-list">
          {servers.map((s) => (
            <ServerCard key={s.id} server={s} clients={clients} now={now} onChanged={onChanged} onRemoved={onRemoved} />
          ))}
        </ul>
      </section>

      <footer className="footer muted">
        {info ? (
          <>
            Version {info.version} · Data in <code>{info.dataDir}</code>
          </>
        ) : (
          ' '
        )}
      </footer>
    </div>
  );
}
