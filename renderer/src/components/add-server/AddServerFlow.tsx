import { useEffect, useReducer, useRef } from 'react';
import type { AddProposal, ClientApp, ServerSummary } from '../../../../common/contract';
import { call } from '../../api';
import { useSignIn } from '../../sign-in';
import {
  addFlowReducer,
  addInput,
  canProbe,
  INITIAL_STATE,
  looksLikeDomain,
  missingRequired,
  probeInput,
  selectedClients,
  unfilledVariables,
  visibleSteps,
  type AddFlowState,
  type InstallOutcome,
  type Step,
} from './add-flow-state';
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
  /** Opens the added server's page (on its Tools tab, to review them). */
  onOpenServer: (serverId: string, tab?: 'tools') => void;
  onCancel: () => void;
  /** The current time (the sign-in's time limit counts down). */
  now?: number;
}

/**
 * The add flow: paste a URL → probe it (reachable? transport? sign-in, and by whom? its name) →
 * optional advanced fields → add → sign in when the server needs it → install into the chosen
 * clients → done. A server that needs sign-in is added as a draft and kept only once the sign-in
 * finished (or the user keeps it without): Cancel, or leaving the flow, leaves nothing behind.
 * Every refusal is shown where it happened, in the server's or core's words. The state and its
 * transitions are in add-flow-state.ts; this component makes the calls to the core.
 */
export function AddServerFlow({ clients, proposal, onDismissProposal, onAdded, onOpenServer, onCancel, now = Date.now() }: Props) {
  const [state, dispatch] = useReducer(addFlowReducer, INITIAL_STATE);
  const { step, probe, added } = state;
  const present = clients.filter((c) => c.present);
  const presentIds = present.map((c) => c.id);
  const selected = selectedClients(state, presentIds);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const signIns = useSignIn();
  /** The draft not kept yet: discarded when the flow is left, restarted, or a link replaces it. */
  const draftRef = useRef<string | undefined>(undefined);
  draftRef.current = state.draft ? added?.id : undefined;

  const discardDraft = (serverId: string | undefined) => {
    if (!serverId) return;
    void call('auth:cancel-sign-in', { serverId }).finally(() => void call('servers:discard', { serverId }));
  };

  useEffect(() => {
    if (!proposal) return;
    discardDraft(draftRef.current);
    dispatch({ type: 'proposal-received', proposal });
  }, [proposal]);

  // Leaving the flow before the draft was kept: nothing stays behind.
  useEffect(() => () => discardDraft(draftRef.current), []);

  // Move focus to the step's heading so keyboard and screen-reader users follow the flow.
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  async function runProbe(current: AddFlowState = state) {
    if (!canProbe(current)) return;
    const vars = unfilledVariables(current);
    if (vars.length) return dispatch({ type: 'probe-refused', error: `Fill in ${vars.map((v) => `{${v.name}}`).join(' and ')} in the address first.` });
    const missing = missingRequired(current);
    if (missing.length)
      return dispatch({ type: 'probe-refused', error: `Fill in the ${missing.map((h) => h.name).join(' and ')} header first: the server needs it.` });
    dispatch({ type: 'probe-started' });
    // A domain (example.com): the server its site publishes, when it publishes one; else as typed.
    if (!current.picked && looksLikeDomain(current.url)) {
      const found = await call('registry:resolve-domain', { input: current.url.trim() });
      if (found.ok && found.value) {
        const action = { type: 'entry-picked', entry: found.value } as const;
        dispatch(action);
        const next = addFlowReducer(current, action);
        // Nothing to fill in: check it at once; else the user fills in what it asks for first.
        if (!missingRequired(next).length && !unfilledVariables(next).length) return runProbe(next);
        return;
      }
    }
    const r = await call('servers:probe', probeInput(current));
    dispatch(r.ok ? { type: 'probe-answered', result: r.value } : { type: 'probe-refused', error: r.error });
  }

  async function add() {
    if (state.adding) return;
    dispatch({ type: 'add-started' });
    const draft = probe?.signIn === 'needed';
    const r = await call('servers:add', draft ? { ...addInput(state), draft: true } : addInput(state));
    if (!r.ok) {
      dispatch({ type: 'add-refused', error: r.error });
      return;
    }
    dispatch({ type: 'added', server: r.value, draft });
    if (draft) void signIn(r.value, true);
    else onAdded(r.value);
  }

  async function signIn(server: ServerSummary | undefined = added, isDraft = state.draft) {
    if (!server || state.signingIn) return;
    dispatch({ type: 'sign-in-started' });
    const outcome = await signIns.signIn(server);
    // Cancelled (here, or the storage question): the step offers Sign in again; no error to show.
    if (outcome.kind === 'cancelled') return dispatch({ type: 'sign-in-failed', error: '' });
    if (outcome.kind === 'failed') return dispatch({ type: 'sign-in-failed', error: outcome.error });
    if (!isDraft) return dispatch({ type: 'signed-in' });
    const kept = await call('servers:keep', { serverId: server.id });
    if (!kept.ok) return dispatch({ type: 'sign-in-failed', error: kept.error });
    dispatch({ type: 'signed-in', server: kept.value });
    onAdded(kept.value);
  }

  /** Cancel: the sign-in stops; a draft is discarded and the form comes back as it was. */
  async function cancelSignIn() {
    if (!added) return;
    if (!state.draft) {
      await signIns.cancel(added.id);
      return dispatch({ type: 'sign-in-skipped' });
    }
    const id = added.id;
    draftRef.current = undefined;
    await signIns.cancel(id);
    await call('servers:discard', { serverId: id });
    dispatch({ type: 'sign-in-cancelled' });
  }

  /** "Keep without signing in": the draft is saved as it is; its card offers Sign in later. */
  async function keepWithout() {
    if (!added) return;
    if (!state.draft) return dispatch({ type: 'sign-in-skipped' });
    await signIns.cancel(added.id);
    const kept = await call('servers:keep', { serverId: added.id });
    if (!kept.ok) return dispatch({ type: 'sign-in-failed', error: kept.error });
    dispatch({ type: 'sign-in-skipped', server: kept.value });
    onAdded(kept.value);
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
          replacedByLink={state.replacedByLink}
          picked={state.picked}
          headers={state.headers}
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
          draft={state.draft}
          authorizationServer={probe?.authorizationServer}
          signingIn={state.signingIn}
          signInError={state.signInError}
          now={now}
          onSignIn={() => void signIn()}
          onCancel={() => void cancelSignIn()}
          onKeep={() => void keepWithout()}
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
          onReviewTools={() => onOpenServer(added.id, 'tools')}
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
          <span className="step-label">{s.label}</span>
        </li>
      ))}
    </ol>
  );
}
