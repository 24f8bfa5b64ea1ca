import { useEffect, useReducer, useRef } from 'react';
import type { AddProposal, ClientApp, ServerSummary } from '../../../../common/contract';
import { call } from '../../api';
import { addFlowReducer, addInput, canProbe, INITIAL_STATE, probeInput, selectedClients, visibleSteps, type InstallOutcome, type Step } from './add-flow-state';
import { DoneStep } from './DoneStep';
import { InstallStep } from './InstallStep';
import { ReviewStep } from './ReviewStep';
import { SignInStep } from './SignInStep';
import { UrlStep } from './UrlStep';

interface Props {
  clients: ClientApp[];
  /** A link (mcp-switchboard://add?url=…) proposed this server: pre-fill, but the user confirms. */
  proposal?: AddProposal;
  onDismissProposal?: () => void;
  onAdded: (server: ServerSummary) => void;
  onOpenServer: (serverId: string) => void;
  onCancel: () => void;
}

/**
 * The add flow: paste a URL → probe it (reachable? transport? sign-in, and by whom? its name) →
 * optional advanced fields → add → sign in when the server needs it → install into the chosen
 * clients → done. Every refusal is shown where it happened, in the server's or core's words.
 * The state and its transitions are in add-flow-state.ts; this component makes the calls to the
 * core and shows one step at a time.
 */
export function AddServerFlow({ clients, proposal, onDismissProposal, onAdded, onOpenServer, onCancel }: Props) {
  const [state, dispatch] = useReducer(addFlowReducer, INITIAL_STATE);
  const { step, probe, added } = state;
  const present = clients.filter((c) => c.present);
  const presentIds = present.map((c) => c.id);
  const selected = selectedClients(state, presentIds);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (proposal) dispatch({ type: 'proposal-received', proposal });
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

  async function runProbe() {
    if (!canProbe(state)) return;
    dispatch({ type: 'probe-started' });
    const r = await call('servers:probe', probeInput(state));
    dispatch(r.ok ? { type: 'probe-answered', result: r.value } : { type: 'probe-refused', error: r.error });
  }

  async function add() {
    if (state.adding) return;
    dispatch({ type: 'add-started' });
    const r = await call('servers:add', addInput(state));
    if (!r.ok) {
      dispatch({ type: 'add-refused', error: r.error });
      return;
    }
    dispatch({ type: 'added', server: r.value });
    onAdded(r.value);
  }

  async function signIn() {
    if (!added || state.signingIn) return;
    dispatch({ type: 'sign-in-started' });
    const r = await call('auth:sign-in', { serverId: added.id });
    dispatch(r.ok ? { type: 'signed-in' } : { type: 'sign-in-failed', error: r.error });
  }

  async function install() {
    if (!added || state.installing) return;
    dispatch({ type: 'install-started' });
    const outcomes: InstallOutcome[] = [];
    for (const c of present.filter((c) => selected.has(c.id))) {
      const r = await call('clients:install', { serverId: added.id, clientId: c.id });
      outcomes.push(
        r.ok ? { clientId: c.id, clientName: c.name, ok: true, result: r.value } : { clientId: c.id, clientName: c.name, ok: false, error: r.error },
      );
    }
    dispatch({ type: 'installed', outcomes });
  }

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

      <StepList steps={visibleSteps(state)} current={step} />

      {step === 'url' && (
        <UrlStep
          headingRef={headingRef}
          url={state.url}
          urlError={state.urlError}
          probing={state.probing}
          probe={probe}
          proposed={state.proposed}
          dispatch={dispatch}
          onProbe={() => void runProbe()}
          onDismissProposal={() => {
            dispatch({ type: 'proposal-dismissed' });
            onDismissProposal?.();
          }}
        />
      )}
      {step === 'review' && probe && (
        <ReviewStep headingRef={headingRef} probe={probe} state={state} dispatch={dispatch} onProbeAgain={() => void runProbe()} onAdd={() => void add()} />
      )}
      {step === 'sign-in' && added && (
        <SignInStep
          headingRef={headingRef}
          server={added}
          authorizationServer={probe?.authorizationServer}
          signingIn={state.signingIn}
          signInError={state.signInError}
          onSignIn={() => void signIn()}
          onSkip={() => dispatch({ type: 'sign-in-skipped' })}
        />
      )}
      {step === 'install' && added && (
        <InstallStep
          headingRef={headingRef}
          server={added}
          signedIn={state.signedIn}
          present={present}
          selected={selected}
          installing={state.installing}
          onToggle={(clientId, checked) => dispatch({ type: 'client-toggled', clientId, checked, present: presentIds })}
          onInstall={() => void install()}
          onSkip={() => dispatch({ type: 'install-skipped' })}
        />
      )}
      {step === 'done' && added && (
        <DoneStep
          headingRef={headingRef}
          server={added}
          outcomes={state.outcomes}
          onStartOver={() => dispatch({ type: 'started-over' })}
          onOpenServer={() => onOpenServer(added.id)}
        />
      )}
    </section>
  );
}

/** The numbered steps above the form: done ones ticked, the current one marked for assistive tech. */
function StepList({ steps, current }: { steps: ReadonlyArray<{ id: Step; label: string }>; current: Step }) {
  const index = steps.findIndex((s) => s.id === current);
  return (
    <ol className="steps" aria-label="Steps">
      {steps.map((s, i) => (
        <li key={s.id} className={i < index ? 'step-done' : i === index ? 'step-current' : undefined} aria-current={i === index ? 'step' : undefined}>
          <span className="step-num" aria-hidden="true">
            {i < index ? '✓' : i + 1}
          </span>
          {s.label}
        </li>
      ))}
    </ol>
  );
}
