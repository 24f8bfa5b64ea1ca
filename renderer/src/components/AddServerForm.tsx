import { useEffect, useId, useState, type FormEvent } from 'react';
import type { AddProposal, ServerSummary } from '../../../preload/contract';
import { call } from '../api';

export function AddServerForm({ onAdded, proposal }: { onAdded: (server: ServerSummary) => void; proposal?: AddProposal }) {
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  // A link proposed this server: pre-fill the form and say where it came from. Adding still
  // takes the user's click on "Add server".
  const [proposed, setProposed] = useState<AddProposal | undefined>();
  useEffect(() => {
    if (!proposal) return;
    setUrl(proposal.url);
    setName(proposal.name ?? '');
    setProposed(proposal);
  }, [proposal]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [added, setAdded] = useState<string | undefined>();
  const urlId = useId();
  const nameId = useId();
  const errorId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setAdded(undefined);
    const input = name.trim() ? { url: url.trim(), name: name.trim() } : { url: url.trim() };
    const result = await call('servers:add', input);
    setBusy(false);
    if (result.ok) {
      setUrl('');
      setName('');
      setProposed(undefined);
      setAdded(result.value.name);
      onAdded(result.value);
    } else {
      setError(result.error);
    }
  }

  return (
    <form className="card add-form" onSubmit={submit} aria-label="Add remote server" noValidate>
      <h2>Add remote server</h2>
      {proposed && (
        <p className="form-proposal" role="status" data-testid="proposal">
          A link asks to add <strong>{proposed.url}</strong>. Check that you trust this address, then press
          Add server — or{' '}
          <button
            type="button"
            className="btn-link"
            onClick={() => {
              setProposed(undefined);
              setUrl('');
              setName('');
            }}
          >
            dismiss it
          </button>
          .
        </p>
      )}
      <div className="add-fields">
        <label className="field field-url" htmlFor={urlId}>
          <span>Server URL</span>
          <input
            id={urlId}
            name="url"
            type="text"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://mcp.example.com/mcp"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            required
          />
        </label>
        <label className="field field-name" htmlFor={nameId}>
          <span>
            Name <em>optional</em>
          </span>
          <input
            id={nameId}
            name="name"
            type="text"
            autoComplete="off"
            placeholder="Taken from the server"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy || url.trim() === ''}>
          {busy ? 'Adding…' : 'Add server'}
        </button>
      </div>
      {error && (
        <p className="form-error" id={errorId} role="alert">
          {error}
        </p>
      )}
      {added && !error && (
        <p className="form-ok" role="status">
          Added {added}. It starts in a moment.
        </p>
      )}
    </form>
  );
}
