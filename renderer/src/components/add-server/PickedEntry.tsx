import { useId, type Dispatch } from 'react';
import type { RegistryEntry } from '../../../../common/contract';
import { unfilledVariables, type AddFlowAction, type HeaderRow } from './add-flow-state';
import { asksFor, SourceLink, TRANSPORT_WORDS } from './RegistrySearch';

/** The registry entry (or a site's server card) the form was filled from, and what it asks for. */
export function PickedEntry({
  entry,
  url,
  headers,
  dispatch,
  onClear,
}: {
  entry: RegistryEntry;
  url: string;
  headers: HeaderRow[];
  dispatch: Dispatch<AddFlowAction>;
  onClear?: () => void;
}) {
  const title = entry.title ?? entry.name.split('/')[1] ?? entry.name;
  const fromCard = entry.registryId === 'card';
  const vars = unfilledVariables({ picked: entry, url });
  return (
    <div className="picked card-subtle" data-testid="picked-entry">
      <div className="picked-head">
        <div>
          <strong>{title}</strong> <span className="muted small">v{entry.version}</span>
          {entry.status === 'deprecated' && <span className="badge badge-warn">Deprecated</span>}
          <p className="muted small">
            {fromCard ? `Published by ${entry.registryName} (its server card)` : `From ${entry.registryName}`} · {entry.name} · {entry.publisher} ·{' '}
            {TRANSPORT_WORDS[entry.remotes[0]!.transport]}
          </p>
        </div>
        <div className="picked-actions">
          {entry.repositoryUrl && <SourceLink entry={entry} />}
          {onClear && (
            <button type="button" className="btn btn-small" onClick={onClear}>
              Choose another
            </button>
          )}
        </div>
      </div>
      {entry.description && <p className="registry-item-desc">{entry.description}</p>}
      {vars.length > 0 && (
        <div className="note-warn" role="status" data-testid="address-variables">
          Fill in the address:{' '}
          {vars.map((v) => (
            <span key={v.name} className="block">
              <code>{`{${v.name}}`}</code>
              {v.description ? ` — ${v.description}` : ''}
              {v.choices ? ` (${v.choices.join(', ')})` : ''}
            </span>
          ))}
        </div>
      )}
      {headers.some((h) => h.from) ? (
        <RegistryHeaderFields headers={headers} dispatch={dispatch} />
      ) : (
        !asksFor(entry) && <p className="muted small">It asks for no headers.</p>
      )}
    </div>
  );
}

/** The headers a registry entry asks for: its descriptions, secrets masked, required ones marked. */
export function RegistryHeaderFields({ headers, dispatch }: { headers: HeaderRow[]; dispatch: Dispatch<AddFlowAction> }) {
  const rows = headers.filter((h) => h.from);
  const baseId = useId();
  if (!rows.length) return null;
  return (
    <fieldset className="fieldset registry-headers" data-testid="registry-headers">
      <legend>Headers this server asks for</legend>
      {rows.map((h) => {
        const id = `${baseId}-${h.key}`;
        const hint = h.from!;
        return (
          <label className="field" htmlFor={id} key={h.key}>
            <span>
              {h.name}
              {hint.required ? <span className="required"> (required)</span> : <span className="muted"> (optional)</span>}
              {hint.secret && <span className="badge">secret</span>}
            </span>
            {hint.choices ? (
              <select id={id} value={h.value} onChange={(e) => dispatch({ type: 'header-edited', key: h.key, value: e.target.value })}>
                <option value="">Choose…</option>
                {hint.choices.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                type={hint.secret ? 'password' : 'text'}
                autoComplete="off"
                spellCheck={false}
                value={h.value}
                placeholder={hint.secret ? 'Kept in the app, never shown again' : ''}
                aria-describedby={hint.description ? `${id}-desc` : undefined}
                onChange={(e) => dispatch({ type: 'header-edited', key: h.key, value: e.target.value })}
              />
            )}
            {hint.description && (
              <small className="muted" id={`${id}-desc`}>
                {hint.description}
              </small>
            )}
          </label>
        );
      })}
    </fieldset>
  );
}
