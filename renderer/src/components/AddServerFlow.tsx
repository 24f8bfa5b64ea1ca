import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { AddProposal, AddServerInput, ClientApp, InstallResult, ProbeResult, ServerSummary } from '../../../common/contract';
import { call } from '../api';
import { hostOf, TRANSPORT_LABELS } from '../format';

interface Props {
  clients: ClientApp[];
  /** A link (mcp-switchboard://add?url=…) proposed this server: pre-fill, but the user confirms. */
  proposal?: AddProposal;
  onDismissProposal?: () => void;
  onAdded: (server: ServerSummary) => void;
  onOpenServer: (serverId: string) => void;
  onCancel: () => void;
}

type Step = 'url' | 'review' | 'sign-in' | 'install' | 'done';
const STEPS: Array<{ id: Step; label: string }> = [
  { id: 'url', label: 'Address' },
  { id: 'review', label: 'Check' },
  { id: 'sign-in', label: 'Sign in' },
  { id: 'install', label: 'Clients' },
  { id: 'done', label: 'Done' },
];

interface HeaderRow {
  key: number;
  name: string;
  value: string;
}

type InstallOutcome = { clientId: string; clientName: string } & ({ ok: true; result: InstallResult } | { ok: false; error: string });

/**
 * The add flow: paste a URL → probe it (reachable? transport? sign-in, and by whom? its name) →
 * optional advanced fields → add → sign in when the server needs it → install into the chosen
 * clients → done. Every refusal is shown where it happened, in the server's or core's words.
 */
export function AddServerFlow({ clients, proposal, onDismissProposal, onAdded, onOpenServer, onCancel }: Props) {
  const [step, setStep] = useState<Step>('url');
  const [url, setUrl] = useState('');
  const [urlError, setUrlError] = useState<string | undefined>();
  const [probing, setProbing] = useState(false);
  const [probe, setProbe] = useState<ProbeResult | undefined>();
  const [proposed, setProposed] = useState<AddProposal | undefined>();
  const [name, setName] = useState('');
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [headers, setHeaders] = useState<HeaderRow[]>([]);
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [scopes, setScopes] = useState('');
  const [adding, setAdding] = useState(false);
  const [addError, setAddError] = useState<string | undefined>();
  const [added, setAdded] = useState<ServerSummary | undefined>();
  const [signingIn, setSigningIn] = useState(false);
  const [signInError, setSignInError] = useState<string | undefined>();
  const [signedIn, setSignedIn] = useState(false);
  const present = clients.filter((c) => c.present);
  const [chosen, setChosen] = useState<Set<string> | undefined>();
  const [installing, setInstalling] = useState(false);
  const [outcomes, setOutcomes] = useState<InstallOutcome[]>([]);
  const nextHeaderKey = useRef(1);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const urlId = useId();
  const urlErrorId = useId();
  const nameId = useId();
  const clientIdId = useId();
  const secretId = useId();
  const scopesId = useId();

  useEffect(() => {
    if (!proposal) return;
    // A new proposal restarts the flow at the first step with the URL filled in; nothing is
    // probed or added until the user presses the buttons.
    setStep('url');
    setUrl(proposal.url);
    setName(proposal.name ?? '');
    setProposed(proposal);
    setProbe(undefined);
    setUrlError(undefined);
  }, [proposal]);

  // Move focus to the step's heading so keyboard and screen-reader users follow the flow.
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  const headerRecord = (): Record<string, string> | undefined => {
    const filled = headers.filter((h) => h.name.trim() !== '');
    return filled.length ? Object.fromEntries(filled.map((h) => [h.name.trim(), h.value])) : undefined;
  };

  async function runProbe(e?: FormEvent) {
    e?.preventDefault();
    if (probing || url.trim() === '') return;
    setProbing(true);
    setUrlError(undefined);
    const h = headerRecord();
    const r = await call('servers:probe', h ? { url: url.trim(), headers: h } : { url: url.trim() });
    setProbing(false);
    if (!r.ok) {
      setUrlError(r.error);
      setStep('url');
      return;
    }
    setProbe(r.value);
    if (!name.trim() || (probe && name === probe.suggestedName)) setName(r.value.suggestedName);
    if (!r.value.reachable) {
      // Nothing answered: say why on the first step; the user may still add it (a server that is
      // down right now) from there.
      setUrlError(r.value.problem ?? `Nothing answered at ${hostOf(r.value.url)}.`);
      setStep('url');
      return;
    }
    setStep('review');
  }

  async function add(e: FormEvent) {
    e.preventDefault();
    if (adding) return;
    setAdding(true);
    setAddError(undefined);
    const input: AddServerInput = { url: probe?.url ?? url.trim() };
    if (name.trim()) input.name = name.trim();
    const h = headerRecord();
    if (h) input.headers = h;
    if (clientId.trim()) input.clientId = clientId.trim();
    if (clientSecret) input.clientSecret = clientSecret;
    if (scopes.trim()) input.scopes = scopes.trim();
    const r = await call('servers:add', input);
    setAdding(false);
    if (!r.ok) {
      setAddError(r.error);
      return;
    }
    setAdded(r.value);
    setProposed(undefined);
    onAdded(r.value);
    const needsSignIn = probe?.signIn === 'needed' || r.value.status.state === 'needs-sign-in' || r.value.signIn === 'needs-sign-in';
    setStep(needsSignIn ? 'sign-in' : 'install');
  }

  async function signIn() {
    if (!added || signingIn) return;
    setSigningIn(true);
    setSignInError(undefined);
    const r = await call('auth:sign-in', { serverId: added.id });
    setSigningIn(false);
    if (r.ok) {
      setSignedIn(true);
      setStep('install');
    } else {
      setSignInError(r.error);
    }
  }

  const selected = chosen ?? new Set(present.map((c) => c.id));

  async function install() {
    if (!added || installing) return;
    setInstalling(true);
    const results: InstallOutcome[] = [];
    for (const c of present.filter((c) => selected.has(c.id))) {
      const r = await call('clients:install', { serverId: added.id, clientId: c.id });
      results.push(
        r.ok ? { clientId: c.id, clientName: c.name, ok: true, result: r.value } : { clientId: c.id, clientName: c.name, ok: false, error: r.error },
      );
    }
    setInstalling(false);
    setOutcomes(results);
    setStep('done');
  }

  function startOver() {
    setStep('url');
    setUrl('');
    setName('');
    setProbe(undefined);
    setUrlError(undefined);
    setHeaders([]);
    setClientId('');
    setClientSecret('');
    setAdvancedOpen(false);
    setAdded(undefined);
    setSignedIn(false);
    setSignInError(undefined);
    setChosen(undefined);
    setOutcomes([]);
    setAddError(undefined);
  }

  const visibleSteps = STEPS.filter((s) => s.id !== 'sign-in' || probe?.signIn !== 'not-needed' || step === 'sign-in');
  const stepIndex = visibleSteps.findIndex((s) => s.id === step);

  return (
    <section className="view add-flow" aria-labelledby="add-title">
      <button type="button" className="btn-back" onClick={onCancel}>
        <span aria-hidden="true">‹</span> All servers
      </button>
      <div className="view-head">
        <div>
          <h2 id="add-title">Add a remote server</h2>
          <p className="muted">Switchboard checks the address first, so you know what you are adding.</p>
        </div>
      </div>

      <ol className="steps" aria-label="Steps">
        {visibleSteps.map((s, i) => (
          <li
            key={s.id}
            className={i < stepIndex ? 'step-done' : i === stepIndex ? 'step-current' : undefined}
            aria-current={i === stepIndex ? 'step' : undefined}
          >
            <span className="step-num" aria-hidden="true">
              {i < stepIndex ? '✓' : i + 1}
            </span>
            {s.label}
          </li>
        ))}
      </ol>

      {step === 'url' && (
        <form className="card panel add-step" onSubmit={runProbe} aria-label="Server address" noValidate>
          <h3 className="step-title" ref={headingRef} tabIndex={-1}>
            Paste the server's URL
          </h3>
          {proposed && (
            <p className="proposal" role="status" data-testid="proposal">
              A link asks to add <strong>{proposed.url}</strong>. Check that you trust this address before you continue — or{' '}
              <button
                type="button"
                className="btn-link"
                onClick={() => {
                  setProposed(undefined);
                  setUrl('');
                  setName('');
                  onDismissProposal?.();
                }}
              >
                dismiss it
              </button>
              .
            </p>
          )}
          <div className="url-row">
            <label className="field field-grow" htmlFor={urlId}>
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
                onChange={(e) => {
                  setUrl(e.target.value);
                  setUrlError(undefined);
                }}
                aria-invalid={urlError ? true : undefined}
                aria-describedby={urlError ? urlErrorId : undefined}
                autoFocus
                required
              />
            </label>
            <button type="submit" className="btn btn-primary" disabled={probing || url.trim() === ''}>
              {probing ? 'Checking…' : 'Check'}
            </button>
          </div>
          {probing && (
            <p className="muted" role="status">
              Contacting {hostOf(url.trim())}…
            </p>
          )}
          {urlError && (
            <div className="form-error" id={urlErrorId} role="alert" data-testid="url-problem">
              <p>{urlError}</p>
              {probe && !probe.reachable && (
                <p className="problem-more">
                  If the server is only down right now, you can{' '}
                  <button type="button" className="btn-link" onClick={() => setStep('review')}>
                    add it anyway
                  </button>
                  .
                </p>
              )}
            </div>
          )}
          <p className="muted small">
            The address of a remote MCP server, usually ending in <code>/mcp</code> (or <code>/sse</code> for older servers).
          </p>
        </form>
      )}

      {step === 'review' && probe && (
        <form className="card panel add-step" onSubmit={add} aria-label="Check and add" noValidate>
          <h3 className="step-title" ref={headingRef} tabIndex={-1}>
            {probe.reachable ? 'The server answered' : 'The server did not answer'}
          </h3>
          <dl className="facts" data-testid="probe-result">
            <div>
              <dt>Address</dt>
              <dd className="mono">{probe.url}</dd>
            </div>
            <div>
              <dt>Reachable</dt>
              <dd className={probe.reachable ? 'fact-ok' : 'fact-bad'}>{probe.reachable ? 'Yes' : 'No'}</dd>
            </div>
            <div>
              <dt>Transport</dt>
              <dd>{probe.transport ? TRANSPORT_LABELS[probe.transport] : probe.signIn === 'needed' ? 'Known after sign-in' : 'Unknown'}</dd>
            </div>
            <div>
              <dt>Sign-in</dt>
              <dd data-testid="probe-sign-in">
                {probe.signIn === 'needed'
                  ? `Needed — you sign in at ${probe.authorizationServer ? hostOf(probe.authorizationServer) : 'the server’s authorization server'}`
                  : probe.signIn === 'not-needed'
                    ? 'Not needed'
                    : 'Unknown until it is added'}
              </dd>
            </div>
            {probe.serverName && (
              <div>
                <dt>Server</dt>
                <dd>
                  {probe.serverName}
                  {probe.serverVersion && ` ${probe.serverVersion}`}
                  {probe.protocolVersion && <span className="muted"> · protocol {probe.protocolVersion}</span>}
                </dd>
              </div>
            )}
          </dl>
          {probe.problem && probe.reachable && (
            <p className="note-warn" role="status">
              {probe.problem}
            </p>
          )}

          <label className="field" htmlFor={nameId}>
            <span>Name</span>
            <input
              id={nameId}
              name="name"
              type="text"
              autoComplete="off"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder={probe.suggestedName}
            />
          </label>

          <div className="advanced">
            <button
              type="button"
              className="btn-disclosure"
              aria-expanded={advancedOpen}
              aria-controls="advanced-fields"
              onClick={() => setAdvancedOpen((o) => !o)}
            >
              <span className="disclosure-arrow" aria-hidden="true">
                ▸
              </span>
              Advanced: headers, pre-registered client
            </button>
            {advancedOpen && (
              <div id="advanced-fields" className="advanced-fields">
                <fieldset className="fieldset">
                  <legend>Extra headers</legend>
                  <p className="muted small">Sent with every request (an API key, an organization). Values are kept in the app and never shown again.</p>
                  {headers.map((h, i) => (
                    <div className="header-row" key={h.key}>
                      <input
                        type="text"
                        aria-label={`Header ${i + 1} name`}
                        placeholder="X-Api-Key"
                        value={h.name}
                        autoComplete="off"
                        spellCheck={false}
                        onChange={(e) => setHeaders((rows) => rows.map((r) => (r.key === h.key ? { ...r, name: e.target.value } : r)))}
                      />
                      <input
                        type="password"
                        aria-label={`Header ${i + 1} value`}
                        placeholder="value"
                        value={h.value}
                        autoComplete="off"
                        onChange={(e) => setHeaders((rows) => rows.map((r) => (r.key === h.key ? { ...r, value: e.target.value } : r)))}
                      />
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`Remove header ${i + 1}`}
                        onClick={() => setHeaders((rows) => rows.filter((r) => r.key !== h.key))}
                      >
                        Remove
                      </button>
                    </div>
                  ))}
                  <div className="row-gap">
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => setHeaders((rows) => [...rows, { key: nextHeaderKey.current++, name: '', value: '' }])}
                    >
                      Add header
                    </button>
                    {headers.some((h) => h.name.trim()) && (
                      <button type="button" className="btn btn-small btn-ghost" onClick={() => void runProbe()} disabled={probing}>
                        {probing ? 'Checking…' : 'Check again with these headers'}
                      </button>
                    )}
                  </div>
                </fieldset>
                <fieldset className="fieldset">
                  <legend>Pre-registered client</legend>
                  <p className="muted small">Only when the authorization server does not let apps register themselves (GitHub, Entra ID, …).</p>
                  <div className="two-fields">
                    <label className="field" htmlFor={clientIdId}>
                      <span>Client ID</span>
                      <input id={clientIdId} type="text" autoComplete="off" spellCheck={false} value={clientId} onChange={(e) => setClientId(e.target.value)} />
                    </label>
                    <label className="field" htmlFor={secretId}>
                      <span>
                        Client secret <em>if confidential</em>
                      </span>
                      <input id={secretId} type="password" autoComplete="off" value={clientSecret} onChange={(e) => setClientSecret(e.target.value)} />
                    </label>
                  </div>
                </fieldset>
                <fieldset className="fieldset">
                  <legend>Scopes</legend>
                  <label className="field" htmlFor={scopesId}>
                    <span>
                      Extra scopes to ask for <em>optional, separated by spaces</em>
                    </span>
                    <input
                      id={scopesId}
                      type="text"
                      autoComplete="off"
                      spellCheck={false}
                      placeholder="repo read:org"
                      value={scopes}
                      onChange={(e) => setScopes(e.target.value)}
                    />
                  </label>
                  <p className="muted small">Most servers need none: they name the scopes they want when you sign in.</p>
                </fieldset>
              </div>
            )}
          </div>

          {addError && (
            <p className="form-error" role="alert">
              {addError}
            </p>
          )}
          <div className="step-actions">
            <button type="button" className="btn" onClick={() => setStep('url')}>
              Back
            </button>
            <button type="submit" className="btn btn-primary" disabled={adding}>
              {adding ? 'Adding…' : 'Add server'}
            </button>
          </div>
        </form>
      )}

      {step === 'sign-in' && added && (
        <div className="card panel add-step" aria-label="Sign in" role="group">
          <h3 className="step-title" ref={headingRef} tabIndex={-1}>
            Sign in to {added.name}
          </h3>
          <p>
            {added.name} wants you to sign in
            {probe?.authorizationServer ? (
              <>
                {' '}
                at <strong>{hostOf(probe.authorizationServer)}</strong>
              </>
            ) : null}
            . Your browser opens the sign-in page; Switchboard keeps the tokens, so your clients never ask.
          </p>
          {signingIn && (
            <p className="waiting" role="status">
              <span className="spinner" aria-hidden="true" /> Waiting for you to finish in the browser…
            </p>
          )}
          {signInError && (
            <p className="form-error" role="alert">
              Sign-in did not finish: {signInError}
            </p>
          )}
          <div className="step-actions">
            <button type="button" className="btn" onClick={() => setStep('install')} disabled={signingIn}>
              Skip for now
            </button>
            <button type="button" className="btn btn-primary" onClick={() => void signIn()} disabled={signingIn}>
              {signingIn ? 'Waiting for the browser…' : signInError ? 'Try again' : 'Sign in'}
            </button>
          </div>
        </div>
      )}

      {step === 'install' && added && (
        <div className="card panel add-step" role="group" aria-label="Choose clients">
          <h3 className="step-title" ref={headingRef} tabIndex={-1}>
            Use {added.name} in these clients
          </h3>
          {signedIn && (
            <p className="note-ok" role="status">
              Signed in.
            </p>
          )}
          {present.length === 0 ? (
            <p className="muted">No MCP clients found on this computer. You can install it later from the server's page.</p>
          ) : (
            <fieldset className="fieldset choose-clients">
              <legend>Install into</legend>
              {present.map((c) => (
                <label key={c.id} className="check">
                  <input
                    type="checkbox"
                    checked={selected.has(c.id)}
                    onChange={(e) => {
                      const next = new Set(selected);
                      if (e.target.checked) next.add(c.id);
                      else next.delete(c.id);
                      setChosen(next);
                    }}
                  />
                  <span className="check-label">{c.name}</span>
                  <span className="muted small">{c.restartHint}</span>
                </label>
              ))}
            </fieldset>
          )}
          <div className="step-actions">
            <button type="button" className="btn" onClick={() => setStep('done')} disabled={installing}>
              Not now
            </button>
            {present.length > 0 && (
              <button type="button" className="btn btn-primary" onClick={() => void install()} disabled={installing || selected.size === 0}>
                {installing ? 'Installing…' : `Install into ${selected.size} client${selected.size === 1 ? '' : 's'}`}
              </button>
            )}
          </div>
        </div>
      )}

      {step === 'done' && added && (
        <div className="card panel add-step" role="group" aria-label="Done">
          <h3 className="step-title" ref={headingRef} tabIndex={-1}>
            {added.name} is added
          </h3>
          {outcomes.length > 0 ? (
            <ul className="outcomes" data-testid="install-outcomes">
              {outcomes.map((o) => (
                <li key={o.clientId} className={o.ok ? 'outcome-ok' : 'outcome-bad'}>
                  <span className="outcome-mark" aria-hidden="true">
                    {o.ok ? '✓' : '!'}
                  </span>
                  {o.ok ? (
                    <span>
                      Installed into {o.clientName}. <strong>{o.result.restartHint}</strong>
                    </span>
                  ) : (
                    <span role="alert">
                      Could not install into {o.clientName}: {o.error}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">Not installed into any client yet. Open the server to install it when you are ready.</p>
          )}
          <div className="step-actions">
            <button type="button" className="btn" onClick={startOver}>
              Add another
            </button>
            <button type="button" className="btn btn-primary" onClick={() => onOpenServer(added.id)}>
              Open {added.name}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
