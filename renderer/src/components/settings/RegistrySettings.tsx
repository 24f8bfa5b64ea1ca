import { useEffect, useId, useState } from 'react';
import type { RegistrySource } from '../../../../common/contract';
import { call } from '../../api';

/**
 * Settings ▸ Registries: where the add flow searches. The official MCP Registry (a company can
 * turn it off), and private registries with the same API, each with an optional bearer token that
 * goes to the vault and is never shown again.
 */
export function RegistrySettings() {
  const urlId = useId();
  const nameId = useId();
  const tokenId = useId();
  const [sources, setSources] = useState<RegistrySource[] | undefined>();
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();

  const reload = () => void call('registry:sources', undefined).then((r) => (r.ok ? setSources(r.value) : setMessage({ ok: false, text: r.error })));
  useEffect(reload, []);

  async function run<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: string }>, done: string): Promise<boolean> {
    setBusy(true);
    const r = await p;
    setBusy(false);
    setMessage(r.ok ? { ok: true, text: done } : { ok: false, text: r.error });
    reload();
    return r.ok;
  }

  async function add() {
    const input = { url: url.trim(), ...(name.trim() ? { name: name.trim() } : {}), ...(token.trim() ? { token: token.trim() } : {}) };
    if (await run(call('registry:add-source', input), `Added ${name.trim() || url.trim()}: the add flow searches it now.`)) {
      setUrl('');
      setName('');
    }
    setToken('');
  }

  return (
    <div className="card panel" data-testid="registry-settings">
      <h3 className="panel-title">Registries</h3>
      <p className="muted small">The add flow searches these for servers by name. A private registry speaks the MCP Registry API (/v0.1/servers).</p>
      {sources && (
        <ul className="registry-sources">
          {sources.map((s) => (
            <li key={s.id} className="registry-source" data-testid="registry-source">
              <div>
                <strong>{s.name}</strong> {s.official ? <span className="badge">public</span> : s.hasToken && <span className="badge">token in the vault</span>}
                <div className="muted small">
                  <code>{s.url}</code>
                </div>
              </div>
              <div className="row-gap">
                <label className="field field-inline">
                  <input
                    type="checkbox"
                    checked={s.enabled}
                    disabled={busy}
                    onChange={(e) =>
                      void run(
                        call('registry:update-source', { registryId: s.id, enabled: e.target.checked }),
                        e.target.checked ? `${s.name} is searched.` : `${s.name} is not searched any more.`,
                      )
                    }
                    aria-label={`Search ${s.name}`}
                  />
                  Search it
                </label>
                {!s.official && (
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={busy}
                    onClick={() => void run(call('registry:remove-source', { registryId: s.id }), `Removed ${s.name} (and its token).`)}
                  >
                    Remove
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      <fieldset className="fieldset">
        <legend>Add a private registry</legend>
        <div className="two-fields">
          <label className="field" htmlFor={urlId}>
            <span>Registry URL</span>
            <input
              id={urlId}
              type="text"
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
              placeholder="https://registry.example.com"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          </label>
          <label className="field" htmlFor={nameId}>
            <span>
              Name <em>optional</em>
            </span>
            <input id={nameId} type="text" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
          </label>
        </div>
        <label className="field" htmlFor={tokenId}>
          <span>
            Bearer token <em>optional; kept in the vault, never shown again</em>
          </span>
          <input id={tokenId} type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
        </label>
        <div className="row-gap">
          <button type="button" className="btn btn-small" disabled={busy || !url.trim()} onClick={() => void add()}>
            Add registry
          </button>
        </div>
      </fieldset>
      {message && (
        <p className={message.ok ? 'muted small' : 'form-error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </div>
  );
}
