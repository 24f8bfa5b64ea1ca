import { useEffect, useId, useState } from 'react';
import type { RegistryUpdate as Update, ServerSummary } from '../../../common/contract';
import { call } from '../api';

/**
 * For a server added from a registry: when the registry's latest version moved the address or asks
 * for new headers, say what changed and offer to apply it (new header values typed here). Nothing
 * is shown for other servers, or when the registry cannot be asked (the server works as it is).
 */
export function RegistryUpdate({ server, onApplied }: { server: ServerSummary; onApplied?: (s: ServerSummary) => void }) {
  const [update, setUpdate] = useState<Update | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const baseId = useId();

  useEffect(() => {
    let live = true;
    void call('registry:check-update', { serverId: server.id }).then((r) => live && setUpdate(r.ok ? r.value : null));
    return () => {
      live = false;
    };
  }, [server.id, server.url]);

  if (!update)
    return message ? (
      <p className="muted small" role="status">
        {message.text}
      </p>
    ) : null;

  async function apply() {
    setBusy(true);
    const r = await call('registry:apply-update', { serverId: server.id, headers: values });
    setBusy(false);
    if (!r.ok) return setMessage({ ok: false, text: r.error });
    setValues({});
    setUpdate(null);
    setMessage({ ok: true, text: `Updated to version ${update!.latest}.` });
    onApplied?.(r.value);
  }

  return (
    <div className="card panel note-update" data-testid="registry-update">
      <h3 className="panel-title">Update from the registry</h3>
      <p>
        Version {update.latest} is out (you have {update.current}). It changes:
      </p>
      <ul className="small">
        {update.changes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      {update.url && <p className="muted small">At a new address the server asks you to sign in again (where it needs sign-in).</p>}
      {update.newHeaders.map((h) => {
        const id = `${baseId}-${h.name}`;
        return (
          <label className="field" htmlFor={id} key={h.name}>
            <span>
              {h.name} {h.required ? <span className="required">(required)</span> : <span className="muted">(optional)</span>}
              {h.secret && <span className="badge">secret</span>}
            </span>
            <input
              id={id}
              type={h.secret ? 'password' : 'text'}
              autoComplete="off"
              spellCheck={false}
              value={values[h.name] ?? ''}
              placeholder={h.value ?? ''}
              onChange={(e) => setValues({ ...values, [h.name]: e.target.value })}
            />
            {h.description && <small className="muted">{h.description}</small>}
          </label>
        );
      })}
      {message && !message.ok && (
        <p className="form-error" role="alert">
          {message.text}
        </p>
      )}
      <div className="row-gap">
        <button type="button" className="btn btn-small btn-primary" disabled={busy} onClick={() => void apply()}>
          {busy ? 'Applying…' : 'Apply the update'}
        </button>
      </div>
    </div>
  );
}
