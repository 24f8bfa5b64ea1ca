import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ElicitationAction, ElicitationField, PendingElicitation } from '../../../common/contract';
import { call, on } from '../api';

type Value = string | number | boolean | string[];

/** The field's starting value: the server's default, else empty. */
function initial(field: ElicitationField): Value | undefined {
  if (field.default !== undefined) return field.default;
  if (field.type === 'boolean') return false;
  if (field.type === 'array') return [];
  return undefined;
}

function options(field: ElicitationField): { value: string; label: string }[] | undefined {
  if (Array.isArray(field.oneOf)) return field.oneOf.map((o) => ({ value: o.const, label: o.title ?? o.const }));
  if (Array.isArray(field.enum)) return field.enum.map((v, i) => ({ value: v, label: field.enumNames?.[i] ?? v }));
  return undefined;
}

function itemOptions(field: ElicitationField): { value: string; label: string }[] {
  if (Array.isArray(field.items?.anyOf)) return field.items.anyOf.map((o) => ({ value: o.const, label: o.title ?? o.const }));
  return (field.items?.enum ?? []).map((v) => ({ value: v, label: v }));
}

function Field({
  name,
  field,
  required,
  value,
  onChange,
}: {
  name: string;
  field: ElicitationField;
  required: boolean;
  value: Value | undefined;
  onChange: (v: Value | undefined) => void;
}) {
  const id = useId();
  const title = field.title?.trim() || name;
  const caption = (
    <span>
      {title}
      {!required && <em>optional</em>}
    </span>
  );
  const hint = field.description ? <span className="muted small">{field.description}</span> : null;
  if (field.type === 'boolean') {
    return (
      <label className="check" htmlFor={id}>
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
        <span className="check-label">{title}</span>
        {hint}
      </label>
    );
  }
  if (field.type === 'array') {
    const chosen = Array.isArray(value) ? value : [];
    return (
      <fieldset className="fieldset">
        <legend>{title}</legend>
        {hint}
        {itemOptions(field).map((o) => (
          <label key={o.value} className="check">
            <input
              type="checkbox"
              checked={chosen.includes(o.value)}
              onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((v) => v !== o.value))}
            />
            <span className="check-label">{o.label}</span>
          </label>
        ))}
      </fieldset>
    );
  }
  const choices = options(field);
  if (choices) {
    return (
      <label className="field" htmlFor={id}>
        {caption}
        <select id={id} value={typeof value === 'string' ? value : ''} required={required} onChange={(e) => onChange(e.target.value || undefined)}>
          {!required || value === undefined ? <option value="">—</option> : null}
          {choices.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        {hint}
      </label>
    );
  }
  const numeric = field.type === 'number' || field.type === 'integer';
  const type = numeric ? 'number' : field.format === 'email' ? 'email' : field.format === 'uri' ? 'url' : field.format === 'date' ? 'date' : 'text';
  return (
    <label className="field" htmlFor={id}>
      {caption}
      <input
        id={id}
        type={type}
        required={required}
        step={field.type === 'integer' ? 1 : numeric ? 'any' : undefined}
        min={field.minimum}
        max={field.maximum}
        value={value === undefined ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : numeric ? Number(e.target.value) : e.target.value)}
      />
      {hint}
    </label>
  );
}

/**
 * A server's question that the client could not ask (it declares no elicitation), asked here on
 * the client's behalf: a form built from the server's schema, or, for a page the server wants
 * opened, a consent sheet that names the page's domain before the browser opens it. Accept,
 * decline and cancel go back to the server as its answer; one question at a time, oldest first.
 */
export function ElicitationSheet() {
  const [pending, setPending] = useState<PendingElicitation[]>([]);
  /** What the user typed, for the question it was typed for. */
  const [typed, setTyped] = useState<{ id?: string; values: Record<string, Value | undefined> }>({ values: {} });
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const current = pending[0];

  useEffect(() => {
    const off = on('elicitation:did-change', setPending);
    void call('elicitation:list', undefined).then((r) => r.ok && setPending(r.value));
    return off;
  }, []);

  const currentId = current?.id;
  useEffect(() => setError(undefined), [currentId]);

  if (!current) return null;
  const props = current.requestedSchema?.properties ?? {};
  // The server's defaults until the user types.
  const values = typed.id === current.id ? typed.values : Object.fromEntries(Object.entries(props).map(([k, f]) => [k, initial(f)]));
  const setValue = (name: string, v: Value | undefined) => setTyped({ id: current.id, values: { ...values, [name]: v } });

  async function answer(action: ElicitationAction, e?: FormEvent) {
    e?.preventDefault();
    if (!current) return;
    setBusy(true);
    const content =
      action === 'accept' && current.mode === 'form'
        ? (Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<string, Value>)
        : undefined;
    const r = await call('elicitation:answer', { id: current.id, action, ...(content ? { content } : {}) });
    setBusy(false);
    if (!r.ok) setError(r.error);
  }

  const required = new Set(current.requestedSchema?.required ?? []);
  return (
    <div className="dialog-backdrop">
      <form className="dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="elicitation" onSubmit={(e) => void answer('accept', e)}>
        <h2 id={titleId} className="dialog-title">
          {current.mode === 'url' ? `${current.serverName} wants to open a page` : `${current.serverName} asks`}
        </h2>
        <div className="dialog-body">
          <p>{current.message}</p>
          {current.mode === 'url' ? (
            <p>
              The page is on <strong data-testid="elicitation-domain">{current.domain}</strong>
              <br />
              <span className="muted small">{current.url}</span>
            </p>
          ) : (
            Object.entries(props).map(([name, field]) => (
              <Field key={name} name={name} field={field} required={required.has(name)} value={values[name]} onChange={(v) => setValue(name, v)} />
            ))
          )}
          <p className="muted small">
            Your client cannot ask this itself, so MCP Switchboard asks for it.{pending.length > 1 ? ` ${pending.length - 1} more waiting.` : ''}
          </p>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => void answer('cancel')} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="btn" onClick={() => void answer('decline')} disabled={busy}>
            Decline
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {current.mode === 'url' ? `Open ${current.domain}` : 'Send'}
          </button>
        </div>
      </form>
    </div>
  );
}
