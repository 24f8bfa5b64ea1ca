import { useCallback, useEffect, useRef, useState } from 'react';
import type { AddProposal, RemoveResult, ServerSummary, ServerTab, ViewRequest } from '../../common/contract';
import { bridge, call, on } from './api';
import { AddServerFlow } from './components/add-server/AddServerFlow';
import { ElicitationSheet } from './components/ElicitationSheet';
import { ClientsView } from './components/ClientsView';
import { LogViewer } from './components/logs/LogViewer';
import { ServerDetail } from './components/ServerDetail';
import { ServersView } from './components/ServersView';
import { SettingsView } from './components/SettingsView';
import { Sidebar, type Section } from './components/Sidebar';
import { count, needsAttention } from './format';
import { useAppInfo, useClients, useNow, useServers, useSettings, useTheme } from './hooks';
import { SignInProvider } from './sign-in';
import iconUrl from '../../assets/icon.png';

export type View =
  | { kind: 'servers' }
  /** `signIn`: start the sign-in on arrival (the tray asked while the storage question was open). */
  | { kind: 'server'; id: string; tab?: ServerTab; signIn?: boolean }
  | { kind: 'add' }
  | { kind: 'logs' }
  | { kind: 'clients' }
  | { kind: 'settings' };

type Notice = { tone: 'ok' | 'warn'; title: string; lines: string[] };

const sectionOf = (v: View): Section => (v.kind === 'server' || v.kind === 'add' ? 'servers' : v.kind);

/** What a removal did, in sentences: where it was uninstalled and where it could not be. */
export function removalNotice(name: string, result: RemoveResult, clientName: (id: string) => string): Notice {
  const lines = [
    ...result.uninstalled.map((u) => `Removed from ${clientName(u.clientId)}. ${u.restartHint}`),
    ...result.failed.map((f) => `Could not edit ${clientName(f.clientId)}'s config: ${f.error}`),
  ];
  return { tone: result.failed.length ? 'warn' : 'ok', title: `Removed ${name}.`, lines };
}

export function App({ initialView = { kind: 'servers' } }: { initialView?: View }) {
  const { servers, load, refresh, upsert, drop } = useServers();
  const { settings, error: settingsError, update } = useSettings();
  const info = useAppInfo();
  const { clients, error: clientsError } = useClients();
  const [view, setView] = useState<View>(initialView);
  const [proposal, setProposal] = useState<AddProposal | undefined>();
  const [notice, setNotice] = useState<Notice | undefined>();
  /** The list was emptied by a removal: the empty state says "No servers", not "No servers yet". */
  const [emptiedByRemoval, setEmptiedByRemoval] = useState(false);
  const now = useNow(1000);
  const theme = useTheme(settings?.theme);
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    // A link may have proposed a server before this window existed, or while it is open. It only
    // pre-fills the add flow; the user still checks and adds it.
    const show = (p: AddProposal) => {
      setProposal({ ...p });
      setView({ kind: 'add' });
    };
    const off = on('app:did-propose-add', show);
    void call('app:take-proposal', undefined).then((r) => r.ok && r.value && show(r.value));
    // The tray or a notification asks for a view (the add flow, a server's log or sign-in).
    const request = (v: ViewRequest) => {
      if (v.view === 'add') setView({ kind: 'add' });
      else setView({ kind: 'server', id: v.serverId, tab: v.tab, signIn: v.signIn });
    };
    const offView = on('app:did-request-view', request);
    void call('app:take-view-request', undefined).then((r) => r.ok && r.value && request(r.value));
    return () => {
      off();
      offView();
    };
  }, []);

  // Move focus to the new view so keyboard and screen-reader users land on it.
  const firstView = useRef(true);
  const viewKey = `${view.kind}:${view.kind === 'server' ? view.id : ''}`;
  const attentionFocus = useRef(false);
  useEffect(() => {
    if (firstView.current) {
      firstView.current = false;
      return;
    }
    if (attentionFocus.current) return;
    // A view may name the field to start in (the add flow: the registry search).
    const start = mainRef.current?.querySelector<HTMLElement>('[data-autofocus]');
    (start ?? mainRef.current)?.focus({ preventScroll: true });
    mainRef.current?.scrollTo?.({ top: 0 });
  }, [viewKey]);

  /** "N need attention": the servers that need the user come first; focus the first of them. */
  const showAttention = () => {
    attentionFocus.current = true;
    setView({ kind: 'servers' });
    setNotice(undefined);
    requestAnimationFrame(() => {
      attentionFocus.current = false;
      const first = mainRef.current?.querySelector<HTMLElement>('[data-attention="true"] .row-link');
      first?.scrollIntoView?.({ block: 'nearest' });
      first?.focus();
    });
  };

  const go = useCallback((next: View) => {
    setView(next);
    if (next.kind !== 'servers') setNotice(undefined);
  }, []);

  const clientName = (id: string) => clients.find((c) => c.id === id)?.name ?? id;
  const onRemoved = (server: ServerSummary, result: RemoveResult) => {
    drop(server.id);
    setEmptiedByRemoval(servers.length <= 1);
    setNotice(removalNotice(server.name, result, clientName));
    setView({ kind: 'servers' });
  };

  const enabled = servers.filter((s) => s.enabled);
  // An idle server is ready for its clients (its proxy starts on their first connection), as the tray counts it.
  const ready = enabled.filter((s) => s.status.state === 'ready' || s.status.state === 'idle').length;
  const attention = servers.filter(needsAttention).length;
  const connected = enabled.reduce((n, s) => n + s.status.counters.connections, 0);
  const current = view.kind === 'server' ? servers.find((s) => s.id === view.id) : undefined;
  return (
    <SignInProvider info={info} settings={settings} update={update}>
      <div className="app" data-theme-resolved={theme}>
        <header className="topbar">
          <img className="topbar-logo" src={iconUrl} alt="" width={28} height={28} />
          <h1 className="topbar-title">MCP Switchboard</h1>
          <div className="summary" aria-label="Summary" role="group">
            {servers.length === 0 ? (
              <span className="summary-item">No servers yet</span>
            ) : (
              <>
                <span className="summary-item">
                  <strong>{ready}</strong> of {enabled.length} ready
                </span>
                {attention > 0 && (
                  <button type="button" className="summary-item summary-attention" onClick={showAttention} data-testid="attention-link">
                    <strong>{attention}</strong> need{attention === 1 ? 's' : ''} attention
                  </button>
                )}
                <span className="summary-item">
                  <strong>{count(connected)}</strong> client connection{connected === 1 ? '' : 's'}
                </span>
              </>
            )}
          </div>
        </header>

        <div className="body">
          <Sidebar current={sectionOf(view)} onSelect={(s) => go({ kind: s })} attention={attention} version={info?.version} />

          <main className="main" ref={mainRef} tabIndex={-1} aria-label="Content">
            <ElicitationSheet />
            {!bridge() && (
              <div className="banner banner-error" role="alert">
                The Switchboard bridge is missing: this page only works inside the MCP Switchboard app.
              </div>
            )}

            {view.kind === 'servers' && (
              <>
                {notice && (
                  <div className={`banner banner-${notice.tone}`} role="status" data-testid="notice">
                    <div className="banner-text">
                      <strong>{notice.title}</strong>
                      {notice.lines.length > 0 && (
                        <ul className="banner-lines">
                          {notice.lines.map((l) => (
                            <li key={l}>{l}</li>
                          ))}
                        </ul>
                      )}
                    </div>
                    <button type="button" className="btn btn-small btn-ghost" onClick={() => setNotice(undefined)} aria-label="Dismiss">
                      Dismiss
                    </button>
                  </div>
                )}
                <ServersView
                  servers={servers}
                  load={load}
                  now={now}
                  onOpen={(id, tab) => go({ kind: 'server', id, tab })}
                  onAdd={() => go({ kind: 'add' })}
                  onRetry={() => void refresh()}
                  onChanged={upsert}
                  clients={clients}
                  emptiedByRemoval={emptiedByRemoval}
                  onImported={upsert}
                />
              </>
            )}
            {view.kind === 'server' &&
              (current ? (
                <ServerDetail
                  key={current.id}
                  server={current}
                  servers={servers}
                  clients={clients}
                  now={now}
                  info={info}
                  tab={view.kind === 'server' ? (view.tab ?? 'overview') : undefined}
                  onTab={(tab) => setView({ kind: 'server', id: current.id, tab })}
                  signInOnOpen={view.kind === 'server' && view.signIn}
                  onBack={() => go({ kind: 'servers' })}
                  onChanged={upsert}
                  onRemoved={onRemoved}
                />
              ) : (
                <section className="view">
                  <p className="muted">{load.kind === 'loading' ? 'Loading…' : 'This server is no longer in the list.'}</p>
                  <button type="button" className="btn" onClick={() => go({ kind: 'servers' })}>
                    All servers
                  </button>
                </section>
              ))}
            {view.kind === 'add' && (
              <AddServerFlow
                clients={clients}
                proposal={proposal}
                now={now}
                onDismissProposal={() => setProposal(undefined)}
                onAdded={upsert}
                onOpenServer={(id, tab) => go({ kind: 'server', id, tab })}
                onCancel={() => {
                  setProposal(undefined);
                  go({ kind: 'servers' });
                }}
              />
            )}
            {view.kind === 'logs' && (
              <section className="view view-logs" aria-labelledby="logs-title">
                <div className="view-head">
                  <h2 id="logs-title">Logs</h2>
                </div>
                <LogViewer servers={servers} />
              </section>
            )}
            {view.kind === 'clients' && (
              <ClientsView
                info={info}
                clients={clients}
                clientsError={clientsError}
                servers={servers}
                onImported={upsert}
                onOpenServer={(id) => go({ kind: 'server', id })}
              />
            )}
            {view.kind === 'settings' && <SettingsView settings={settings} settingsError={settingsError} info={info} update={update} />}
          </main>
        </div>
      </div>
    </SignInProvider>
  );
}
