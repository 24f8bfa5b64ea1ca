/**
 * The add flow's state and its transitions, kept outside React: one reducer over one state object
 * instead of a `useState` per field. Pure TypeScript, no DOM: unit-tested in add-flow-state.test.ts.
 * The calls to the core (probe, add, sign in, install) are made by AddServerFlow, which reports
 * their start and their answer here as actions.
 */
import type {
  AddProposal,
  AddServerInput,
  InstallResult,
  ProbeResult,
  RegistryEntry,
  RegistryField,
  ServerSummary,
  ProbeInput,
  SignInMode,
} from '../../../../common/contract';
import { hostOf } from '../../format';

export type Step = 'url' | 'review' | 'sign-in' | 'install' | 'done';

export const STEPS: ReadonlyArray<{ id: Step; label: string }> = [
  { id: 'url', label: 'Address' },
  { id: 'review', label: 'Check' },
  { id: 'sign-in', label: 'Sign in' },
  { id: 'install', label: 'Clients' },
  { id: 'done', label: 'Done' },
];

/** One extra header the user typed; `key` is a stable React key, never reused within a flow. */
export interface HeaderRow {
  key: number;
  name: string;
  value: string;
  /** A header the picked registry entry asks for (its description, whether it is secret or required). */
  from?: RegistryField;
}

export type InstallOutcome = { clientId: string; clientName: string } & ({ ok: true; result: InstallResult } | { ok: false; error: string });

/** The fields of the advanced part of the review step that are plain text. */
export type TextField = 'name' | 'clientId' | 'clientSecret' | 'scopes';

export interface AddFlowState {
  step: Step;
  url: string;
  /** Why the URL step cannot go on: the core's refusal, or the probe's problem. */
  urlError?: string;
  probing: boolean;
  probe?: ProbeResult;
  /** A link's proposal, shown on the URL step until the server is added or the user dismisses it. */
  proposed?: AddProposal;
  /** The registry entry (or server card) the form was filled from; its headers are rows with `from`. */
  picked?: RegistryEntry;
  name: string;
  advancedOpen: boolean;
  headers: HeaderRow[];
  nextHeaderKey: number;
  clientId: string;
  clientSecret: string;
  scopes: string;
  /** Advanced ▸ sign-in without a user and the network (AccessFields.tsx). */
  access: AccessDraft;
  adding: boolean;
  addError?: string;
  added?: ServerSummary;
  /**
   * `added` is a draft (the server needs sign-in): nothing is saved until the sign-in finished or the
   * user keeps it without; Cancel or leaving the flow discards it.
   */
  draft: boolean;
  /** A link arrived while the form held what the user typed: the form was started afresh (and says so). */
  replacedByLink: boolean;
  signingIn: boolean;
  signInError?: string;
  signedIn: boolean;
  /** The clients ticked on the install step; absent: every client present on the machine. */
  chosen?: ReadonlySet<string>;
  installing: boolean;
  outcomes: InstallOutcome[];
}

export const INITIAL_STATE: AddFlowState = {
  step: 'url',
  url: '',
  probing: false,
  name: '',
  advancedOpen: false,
  headers: [],
  nextHeaderKey: 1,
  clientId: '',
  clientSecret: '',
  scopes: '',
  access: { signIn: 'browser', privateKey: '', proxy: '', caFile: '' },
  adding: false,
  draft: false,
  replacedByLink: false,
  signingIn: false,
  signedIn: false,
  installing: false,
  outcomes: [],
};

export type AddFlowAction =
  /** A link (mcp-switchboard://add?url=…) proposed a server: back to the URL step, pre-filled. */
  | { type: 'proposal-received'; proposal: AddProposal }
  | { type: 'proposal-dismissed' }
  /** A search result (or a pasted domain's server card) fills the form: address, name, the headers it asks for. */
  | { type: 'entry-picked'; entry: RegistryEntry }
  | { type: 'entry-cleared' }
  | { type: 'url-edited'; url: string }
  | { type: 'text-edited'; field: TextField; value: string }
  | { type: 'advanced-toggled' }
  | { type: 'access-edited'; patch: Partial<AccessDraft> }
  | { type: 'header-added' }
  | { type: 'header-edited'; key: number; name?: string; value?: string }
  | { type: 'header-removed'; key: number }
  | { type: 'probe-started' }
  | { type: 'probe-refused'; error: string }
  | { type: 'probe-answered'; result: ProbeResult }
  /** The user goes on to the review step although the server did not answer. */
  | { type: 'add-anyway' }
  | { type: 'back-to-url' }
  | { type: 'add-started' }
  | { type: 'add-refused'; error: string }
  /** `draft`: the server needs sign-in and is only kept once signed in (or kept without). */
  | { type: 'added'; server: ServerSummary; draft?: boolean }
  | { type: 'sign-in-started' }
  | { type: 'sign-in-failed'; error: string }
  /** `server`: the draft, now kept. */
  | { type: 'signed-in'; server?: ServerSummary }
  /** "Keep without signing in" (`server`: the draft, now kept), or "Sign in later" for a kept server. */
  | { type: 'sign-in-skipped'; server?: ServerSummary }
  /** The user cancelled the sign-in of a draft: it was discarded; back to the form as it was. */
  | { type: 'sign-in-cancelled' }
  /** `present`: the ids of the clients on this machine, which are all ticked until the user changes one. */
  | { type: 'client-toggled'; clientId: string; checked: boolean; present: readonly string[] }
  | { type: 'install-started' }
  | { type: 'installed'; outcomes: InstallOutcome[] }
  | { type: 'install-skipped' }
  | { type: 'started-over' };

export function addFlowReducer(state: AddFlowState, action: AddFlowAction): AddFlowState {
  switch (action.type) {
    case 'proposal-received': {
      // A fresh form (issue 12 item 12): nothing typed for another server (headers, client secret,
      // scopes) may go to the one a link proposes. Nothing is probed or added until the user
      // presses the buttons.
      const fresh: AddFlowState = {
        ...INITIAL_STATE,
        url: action.proposal.url,
        name: action.proposal.name ?? '',
        proposed: action.proposal,
        probe: undefined,
        urlError: undefined,
        replacedByLink: hasInput(state),
      };
      return action.proposal.entry ? { ...pick(fresh, action.proposal.entry), name: action.proposal.name ?? fresh.name } : fresh;
    }
    case 'proposal-dismissed':
      return { ...state, proposed: undefined, picked: undefined, headers: state.headers.filter((h) => !h.from), url: '', name: '', replacedByLink: false };
    case 'entry-picked':
      return { ...pick(state, action.entry), probing: false };
    case 'entry-cleared':
      return { ...state, picked: undefined, headers: state.headers.filter((h) => !h.from), url: '', name: '', probe: undefined, urlError: undefined };
    case 'url-edited':
      return { ...state, url: action.url, urlError: undefined };
    case 'text-edited':
      return { ...state, [action.field]: action.value };
    case 'advanced-toggled':
      return { ...state, advancedOpen: !state.advancedOpen };
    case 'access-edited':
      return { ...state, access: { ...state.access, ...action.patch } };
    case 'header-added':
      return { ...state, headers: [...state.headers, { key: state.nextHeaderKey, name: '', value: '' }], nextHeaderKey: state.nextHeaderKey + 1 };
    case 'header-edited':
      return {
        ...state,
        // What Check said was missing is being filled in.
        urlError: state.step === 'url' && state.picked ? undefined : state.urlError,
        headers: state.headers.map((h) =>
          h.key === action.key
            ? { ...h, ...(action.name !== undefined && { name: action.name }), ...(action.value !== undefined && { value: action.value }) }
            : h,
        ),
      };
    case 'header-removed':
      return { ...state, headers: state.headers.filter((h) => h.key !== action.key) };
    case 'probe-started':
      return { ...state, probing: true, urlError: undefined };
    case 'probe-refused':
      return { ...state, probing: false, urlError: action.error, step: 'url' };
    case 'probe-answered': {
      const r = action.result;
      // The probe names the server unless the user already chose a name of their own.
      const keepName = state.name.trim() !== '' && !(state.probe && state.name === state.probe.suggestedName);
      const next: AddFlowState = { ...state, probing: false, probe: r, name: keepName ? state.name : r.suggestedName };
      // Nothing answered: say why on the first step; the user may still add it (a server that is
      // down right now) from there.
      if (!r.reachable) return { ...next, urlError: r.problem ?? `Nothing answered at ${hostOf(r.url)}.`, step: 'url' };
      return { ...next, step: 'review' };
    }
    case 'add-anyway':
      return state.probe ? { ...state, step: 'review' } : state;
    case 'back-to-url':
      return { ...state, step: 'url' };
    case 'add-started':
      return { ...state, adding: true, addError: undefined };
    case 'add-refused':
      return { ...state, adding: false, addError: action.error };
    case 'added': {
      const s = action.server;
      const needsSignIn = action.draft || state.probe?.signIn === 'needed' || s.status.state === 'needs-sign-in' || s.signIn === 'needs-sign-in';
      return {
        ...state,
        adding: false,
        added: s,
        draft: !!action.draft,
        proposed: undefined,
        replacedByLink: false,
        step: needsSignIn ? 'sign-in' : 'install',
      };
    }
    case 'sign-in-started':
      return { ...state, signingIn: true, signInError: undefined };
    case 'sign-in-failed':
      return { ...state, signingIn: false, signInError: action.error };
    case 'signed-in':
      return {
        ...state,
        signingIn: false,
        signInError: undefined,
        signedIn: true,
        step: 'install',
        ...(action.server ? { added: action.server, draft: false } : {}),
      };
    case 'sign-in-skipped':
      return { ...state, signingIn: false, step: 'install', ...(action.server ? { added: action.server, draft: false } : {}) };
    case 'sign-in-cancelled':
      return { ...state, signingIn: false, signInError: undefined, added: undefined, draft: false, step: 'review' };
    case 'client-toggled': {
      const next = new Set(selectedClients(state, action.present));
      if (action.checked) next.add(action.clientId);
      else next.delete(action.clientId);
      return { ...state, chosen: next };
    }
    case 'install-started':
      return { ...state, installing: true };
    case 'installed':
      return { ...state, installing: false, outcomes: action.outcomes, step: 'done' };
    case 'install-skipped':
      return { ...state, step: 'done' };
    case 'started-over':
      // Everything goes, the folded-away advanced fields too: none may reach the next server unseen.
      return INITIAL_STATE;
  }
}

/** The address of an entry's first remote, its variables filled with their defaults ({region} → eu). */
export function entryUrl(entry: RegistryEntry): string {
  const remote = entry.remotes[0]!;
  return remote.url.replace(/\{([^}]{1,64})\}/g, (whole, name: string) => remote.variables.find((v) => v.name === name)?.value ?? whole);
}

/** The variables of the picked entry's address still to be filled in by the user ({tenant}). */
export function unfilledVariables(state: Pick<AddFlowState, 'picked' | 'url'>): RegistryField[] {
  const vars = state.picked?.remotes[0]?.variables ?? [];
  return vars.filter((v) => state.url.includes(`{${v.name}}`));
}

function pick(state: AddFlowState, entry: RegistryEntry): AddFlowState {
  const remote = entry.remotes[0]!;
  let key = state.nextHeaderKey;
  // What the user typed for headers of their own stays; the previous entry's headers go.
  const own = state.headers.filter((h) => !h.from && (h.name.trim() !== '' || h.value !== ''));
  const asked = remote.headers.map((h) => ({ key: key++, name: h.name, value: h.secret ? '' : (h.value ?? ''), from: h }));
  return {
    ...state,
    step: 'url',
    picked: entry,
    url: entryUrl(entry),
    name: entry.title ?? entry.name.split('/')[1] ?? entry.name,
    headers: [...asked, ...own],
    nextHeaderKey: key,
    probe: undefined,
    urlError: undefined,
  };
}

/** A domain or page without a scheme (`example.com`, `acme.example/mcp`): looked up before it is probed. */
export function looksLikeDomain(text: string): boolean {
  return /^(?![a-z][a-z0-9+.-]*:\/\/)[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(\/\S*)?$/i.test(text.trim());
}

/** Headers the picked entry requires that are still empty (Check says which before it probes). */
export function missingRequired(state: Pick<AddFlowState, 'headers'>): HeaderRow[] {
  return state.headers.filter((h) => h.from?.required && h.value.trim() === '');
}

/** The user typed something of their own (a link then starts the form afresh, and says so). */
export function hasInput(state: AddFlowState): boolean {
  const typedName = state.name.trim() !== '' && state.name !== state.probe?.suggestedName && state.name !== state.proposed?.name;
  return (
    (state.url.trim() !== '' && state.url !== state.proposed?.url) ||
    typedName ||
    state.headers.some((h) => h.name.trim() !== '' || h.value !== '') ||
    state.clientId.trim() !== '' ||
    state.clientSecret !== '' ||
    state.scopes.trim() !== '' ||
    state.added !== undefined
  );
}

/** The extra headers with a name, or undefined when there are none. */
export function headerRecord(headers: readonly HeaderRow[]): Record<string, string> | undefined {
  const filled = headers.filter((h) => h.name.trim() !== '');
  return filled.length ? Object.fromEntries(filled.map((h) => [h.name.trim(), h.value])) : undefined;
}

/** Whether "Check" can run now. */
export function canProbe(state: AddFlowState): boolean {
  return !state.probing && state.url.trim() !== '';
}

/** What `servers:probe` is asked (with the Advanced network fields, when filled). */
export function probeInput(state: AddFlowState): ProbeInput {
  const headers = headerRecord(state.headers);
  const input: ProbeInput = headers ? { url: state.url.trim(), headers } : { url: state.url.trim() };
  if (state.access.proxy.trim()) input.proxy = state.access.proxy.trim();
  if (state.access.caFile.trim()) input.caFile = state.access.caFile.trim();
  return input;
}

/** What `servers:add` is asked: the probed (normalized) URL and only the fields the user filled. */
export function addInput(state: AddFlowState): AddServerInput {
  const input: AddServerInput = { url: state.probe?.url ?? state.url.trim() };
  if (state.name.trim()) input.name = state.name.trim();
  const headers = headerRecord(state.headers);
  if (headers) input.headers = headers;
  if (state.clientId.trim()) input.clientId = state.clientId.trim();
  if (state.clientSecret) input.clientSecret = state.clientSecret;
  if (state.scopes.trim()) input.scopes = state.scopes.trim();
  const { signIn, privateKey, proxy, caFile } = state.access;
  if (signIn !== 'browser') input.signIn = signIn;
  if (signIn === 'client-credentials' && privateKey.trim()) input.privateKey = privateKey;
  if (proxy.trim()) input.proxy = proxy.trim();
  if (caFile.trim()) input.caFile = caFile.trim();
  // Picked from a registry (not a site's server card): remembered, so a newer version can be offered.
  const p = state.picked;
  if (p && p.registryId !== 'card') input.origin = { registryId: p.registryId, name: p.name, version: p.version };
  return input;
}

/** Advanced ▸ how the server signs in without a user, and how it is reached. */
export interface AccessDraft {
  signIn: SignInMode;
  /** client-credentials with private_key_jwt: the PEM key (pasted); else the client secret is used. */
  privateKey: string;
  /** '' (the system's settings), 'direct', or a proxy URL. */
  proxy: string;
  caFile: string;
}

/** The clients ticked on the install step (every present one until the user changes the choice). */
export function selectedClients(state: AddFlowState, present: readonly string[]): ReadonlySet<string> {
  return state.chosen ?? new Set(present);
}

/** The steps shown above the form: "Sign in" only where sign-in may be needed (or is the current step). */
export function visibleSteps(state: AddFlowState): ReadonlyArray<{ id: Step; label: string }> {
  return STEPS.filter((s) => s.id !== 'sign-in' || state.probe?.signIn !== 'not-needed' || state.step === 'sign-in');
}
