import { useId, useState } from 'react';
import type { AppInfo, ClientApp, InstallStatus, RemoveResult, ServerSummary, UpdateServerInput } from '../../../common/contract';
import { call } from '../api';
import { TRANSPORT_LABELS } from '../format';
import { ConfirmDialog } from './ConfirmDialog';
import { NetworkFields } from './NetworkFields';
import { StandInsSetting } from './StandInsSetting';

interface Props {
  server: ServerSummary;
  clients: ClientApp[];
  info?: AppInfo;
  onChanged: (server: ServerSummary) => void;
  onRemoved: (server: ServerSummary, result: RemoveResult) => void;
}

interface HeaderEdit {
  key: number;
  /** A stored header (its value never reaches the window) or one the user adds now. */
  stored: boolean;
  name: string;
  /** The new value; empty for a stored header: keep the value it has. */
  value: string;
  removed: boolean;
}

interface Form {
  name: string;
  url: string;
  scopes: string;
  clientId: string;
  clientSecret: string;
  removeSecret: boolean;
  headers: HeaderEdit[];
  nextKey: number;
  /** '' (the system's settings), 'direct' or the proxy URL: shown with its user, never its password. */
  proxy: string;
  caFile: string;
}

function formOf(server: ServerSummary): Form {
  return {
    name: server.name,
    url: server.url,
    scopes: server.scopes ?? '',
    clientId: server.clientId ?? '',
    clientSecret: '',
    removeSecret: false,
    headers: server.headerNames.map((name, i) => ({ key: i + 1, stored: true, name, value: '', removed: false })),
    nextKey: server.headerNames.length + 1,
    proxy: server.proxy ?? '',
    caFile: server.caFile ?? '',
  };
}

/** What the Edit form changes, as `servers:update` takes it: only changed fields; header values write-only. */
export function updateOf(server: ServerSummary, f: Form): UpdateServerInput {
  const input: UpdateServerInput = { serverId: server.id };
  if (f.name.trim() && f.name.trim() !== server.name) input.name = f.name.trim();
  if (f.url.trim() !== server.url) input.url = f.url.trim();
  if (f.scopes.trim() !== (server.scopes ?? '')) input.scopes = f.scopes.trim();
  if (f.clientId.trim() !== (server.clientId ?? '')) input.clientId = f.clientId.trim();
  if (f.clientSecret) input.clientSecret = f.clientSecret;
  else if (f.removeSecret) input.clientSecret = null;
  const headers: Record<string, string | null> = {};
  for (const h of f.headers) {
    const name = h.name.trim();
    if (!name) continue;
    if (h.stored && h.removed) headers[name] = null;
    else if (h.value !== '') headers[name] = h.value;
  }
  if (Object.keys(headers).length) input.headers = headers;
  // A password typed into the shown URL makes it differ: it is sent (for the vault) like a new value.
  const proxy = f.proxy.trim() === 'system' ? '' : f.proxy.trim();
  if (proxy !== (server.proxy ?? '')) input.proxy = proxy || 'system';
  if (f.caFile.trim() !== (server.caFile ?? '')) input.caFile = f.caFile.trim();
  return input;
}

/** What the server is reached through now, in words. */
export function proxyChoice(proxy: string | undefined): string {
  if (!proxy) return "the system's proxy settings";
  if (proxy === 'direct') return 'a direct connection (no proxy)';
  return `the proxy ${proxy}`;
}

/**
 * The Settings tab: Edit (name, address, header values write-only, scopes, your own OAuth app, the
 * network: its own proxy, its password write-only, and CA file), turn off, remove.
 */
export function ServerSettings({ server, clients, info, onChanged, onRemoved }: Props) {
  const ids = useId();
  const [form, setForm] = useState<Form>(() => formOf(server));
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>();
  const [toggling, setToggling] = useState(false);
  const [remove, setRemove] = useState<{ installedIn?: string[]; busy: boolean; error?: string } | undefined>();
  const change = updateOf(server, form);
  const dirty = Object.keys(change).length > 1;
  const resets = change.url !== undefined || change.clientId !== undefined;
  const set = (patch: Partial<Form>) => {
    setResult(undefined);
    setForm((f) => ({ ...f, ...patch }));
  };
  const setHeader = (key: number, patch: Partial<HeaderEdit>) => set({ headers: form.headers.map((h) => (h.key === key ? { ...h, ...patch } : h)) });

  async function save() {
    setSaving(true);
    setResult(undefined);
    const r = await call('servers:update', change);
    setSaving(false);
    if (!r.ok) return setResult({ ok: false, text: r.error });
    onChanged(r.value.server);
    setForm(formOf(r.value.server));
    setResult({
      ok: true,
      text: `Saved.${r.value.signedOut ? ` The address or OAuth app changed, so Switchboard signed out of the old one: sign in again.` : ''}`,
    });
  }

  async function toggle() {
    setToggling(true);
    const r = await call('servers:set-enabled', { serverId: server.id, enabled: !server.enabled });
    setToggling(false);
    if (r.ok) onChanged(r.value);
    else setResult({ ok: false, text: r.error });
  }

  function askRemove() {
    setRemove({ busy: false });
    // Say where the server is installed, so "also removes it from the clients" is concrete.
    void call('clients:status', { serverId: server.id }).then((r) => {
      if (!r.ok) return;
      const names = r.value
        .filter((s: InstallStatus) => s.state === 'installed' || s.state === 'stale')
        .map((s) => clients.find((c) => c.id === s.clientId)?.name ?? s.clientId);
      setRemove((c) => (c ? { ...c, installedIn: names } : c));
    });
  }

  async function confirmRemove() {
    setRemove((c) => c && { ...c, busy: true, error: undefined });
    const r = await call('servers:remove', { serverId: server.id });
    if (!r.ok) return setRemove((c) => c && { ...c, busy: false, error: r.error });
    setRemove(undefined);
    onRemoved(server, r.value);
  }

  return (
    <>
      <form
        className="card panel edit-form"
        aria-label="Edit"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (dirty) void save();
        }}
        data-testid="edit-form"
      >
        <h3 className="panel-title">Edit</h3>
        <div className="two-fields">
          <label className="field" htmlFor={`${ids}-name`}>
            <span>Name</span>
            <input id={`${ids}-name`} type="text" autoComplete="off" value={form.name} onChange={(e) => set({ name: e.target.value })} />
          </label>
          <label className="field" htmlFor={`${ids}-url`}>
            <span>Server URL</span>
            <input
              id={`${ids}-url`}
              type="text"
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
              value={form.url}
              onChange={(e) => set({ url: e.target.value })}
            />
          </label>
        </div>

        <fieldset className="fieldset">
          <legend>Headers</legend>
          <p className="muted small">Values are write-only: type a new value to replace one (rotating a key), or leave it empty to keep it.</p>
          {form.headers.map((h, i) => (
            <div className={`header-row${h.removed ? ' header-removed' : ''}`} key={h.key} data-testid="edit-header">
              {h.stored ? (
                <span className="header-name mono" aria-label={`Header ${i + 1} name`}>
                  {h.name}
                </span>
              ) : (
                <input
                  type="text"
                  aria-label={`Header ${i + 1} name`}
                  placeholder="X-Api-Key"
                  value={h.name}
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(e) => setHeader(h.key, { name: e.target.value })}
                />
              )}
              <input
                type="password"
                aria-label={h.stored ? `New value for ${h.name}` : `Header ${i + 1} value`}
                placeholder={h.stored ? 'unchanged (hidden)' : 'value or ${env:NAME}'}
                value={h.value}
                disabled={h.removed}
                autoComplete="new-password"
                onChange={(e) => setHeader(h.key, { value: e.target.value })}
              />
              <button
                type="button"
                className="btn btn-small"
                aria-label={h.removed ? `Keep ${h.name}` : `Remove ${h.name || `header ${i + 1}`}`}
                onClick={() =>
                  h.stored ? setHeader(h.key, { removed: !h.removed, value: '' }) : set({ headers: form.headers.filter((x) => x.key !== h.key) })
                }
              >
                {h.removed ? 'Keep' : 'Remove'}
              </button>
            </div>
          ))}
          <div className="row-gap">
            <button
              type="button"
              className="btn btn-small"
              onClick={() =>
                set({ headers: [...form.headers, { key: form.nextKey, stored: false, name: '', value: '', removed: false }], nextKey: form.nextKey + 1 })
              }
            >
              Add header
            </button>
          </div>
        </fieldset>

        <fieldset className="fieldset">
          <legend>Sign-in</legend>
          <div className="two-fields">
            <label className="field" htmlFor={`${ids}-cid`}>
              <span>
                Your own OAuth app's client ID <em>optional</em>
              </span>
              <input
                id={`${ids}-cid`}
                type="text"
                autoComplete="off"
                spellCheck={false}
                value={form.clientId}
                onChange={(e) => set({ clientId: e.target.value })}
              />
            </label>
            <label className="field" htmlFor={`${ids}-secret`}>
              <span>
                Client secret <em>write-only</em>
              </span>
              <input
                id={`${ids}-secret`}
                type="password"
                autoComplete="new-password"
                placeholder={server.clientId ? 'unchanged (hidden)' : 'only if your OAuth app has one'}
                value={form.clientSecret}
                disabled={form.removeSecret}
                onChange={(e) => set({ clientSecret: e.target.value })}
              />
            </label>
          </div>
          {server.clientId && (
            <label className="check">
              <input type="checkbox" checked={form.removeSecret} onChange={(e) => set({ removeSecret: e.target.checked, clientSecret: '' })} />
              <span className="check-label">Remove the stored client secret</span>
            </label>
          )}
          <label className="field" htmlFor={`${ids}-scopes`}>
            <span>
              Extra scopes <em>optional, separated by spaces</em>
            </span>
            <input
              id={`${ids}-scopes`}
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={form.scopes}
              onChange={(e) => set({ scopes: e.target.value })}
            />
          </label>
        </fieldset>

        <NetworkFields proxy={form.proxy} caFile={form.caFile} onChange={set}>
          <p className="muted small" data-testid="network-now">
            Now: {proxyChoice(server.proxy)}
            {server.caFile ? `, trusting ${server.caFile}` : ''}.
            {server.proxy?.includes('@') ? ' Leave the password out of the URL to keep the stored one.' : ''}
          </p>
        </NetworkFields>

        {resets && dirty && (
          <p className="note-warn" role="note">
            A new address or OAuth app signs you out of the old one: you sign in again after saving.
          </p>
        )}
        {result && (
          <p className={result.ok ? 'note-ok' : 'form-error'} role={result.ok ? 'status' : 'alert'}>
            {result.text}
          </p>
        )}
        <div className="step-actions">
          <button type="button" className="btn" disabled={!dirty || saving} onClick={() => set(formOf(server))}>
            Discard changes
          </button>
          <button type="submit" className="btn btn-primary" disabled={!dirty || saving}>
            {saving ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </form>

      <div className="card panel">
        <h3 className="panel-title">Connection</h3>
        <dl className="facts">
          <div>
            <dt>Speaks</dt>
            <dd data-testid="transport">{server.status.transport ? TRANSPORT_LABELS[server.status.transport] : '—'}</dd>
          </div>
          <div>
            <dt>Stand-ins</dt>
            <dd>
              <StandInsSetting server={server} clients={clients} onChanged={onChanged} />
            </dd>
          </div>
          {info?.dataDir && (
            <div>
              <dt>Server id</dt>
              <dd className="mono">{server.id}</dd>
            </div>
          )}
        </dl>
      </div>

      <div className="card panel danger-zone">
        <div className="setting-row">
          <div>
            <h3 className="panel-title">{server.enabled ? 'Turn off' : 'Turned off'}</h3>
            <p className="muted small">
              {server.enabled
                ? 'Stops its connection. The clients keep their entry, but their calls fail until you turn it on again.'
                : 'Its clients keep their entry; their calls fail until you turn it on.'}
            </p>
          </div>
          <button type="button" className="btn" onClick={() => void toggle()} disabled={toggling}>
            {toggling ? (server.enabled ? 'Disabling…' : 'Enabling…') : server.enabled ? 'Disable' : 'Enable'}
          </button>
        </div>
        <div className="setting-row">
          <div>
            <h3 className="panel-title">Remove</h3>
            <p className="muted small">Removes it from Switchboard and from every MCP client it is installed in, and forgets its sign-in.</p>
          </div>
          <button type="button" className="btn btn-quiet-danger" onClick={askRemove}>
            Remove server
          </button>
        </div>
      </div>

      {remove && (
        <ConfirmDialog
          title={`Remove ${server.name}?`}
          confirmLabel="Remove server"
          busyLabel="Removing…"
          danger
          busy={remove.busy}
          error={remove.error}
          onConfirm={() => void confirmRemove()}
          onCancel={() => setRemove(undefined)}
        >
          <p>Its connection stops, its sign-in is forgotten, and it is also removed from the MCP clients where it is installed.</p>
          <p className="dialog-where" data-testid="remove-where">
            {remove.installedIn === undefined
              ? 'Checking which clients have it…'
              : remove.installedIn.length === 0
                ? 'It is not installed in any client.'
                : `Installed in: ${remove.installedIn.join(', ')}.`}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
