import { describe, expect, it } from 'vitest';
import type { ProbeResult, ServerSummary } from '../../../../common/contract';
import {
  addFlowReducer,
  addInput,
  canProbe,
  INITIAL_STATE,
  probeInput,
  selectedClients,
  visibleSteps,
  type AddFlowAction,
  type AddFlowState,
} from './add-flow-state';
import { server } from '../../test/fake-bridge';

const run = (actions: AddFlowAction[], from: AddFlowState = INITIAL_STATE) => actions.reduce(addFlowReducer, from);

const ACME: ProbeResult = {
  url: 'https://mcp.acme.dev/mcp',
  reachable: true,
  transport: 'streamable-http',
  signIn: 'needed',
  authorizationServer: 'https://auth.acme.dev',
  suggestedName: 'Acme Projects',
};
const OPEN: ProbeResult = { url: 'https://open.example.com/mcp', reachable: true, transport: 'streamable-http', signIn: 'not-needed', suggestedName: 'Open' };
const DOWN: ProbeResult = { url: 'https://down.example.com/mcp', reachable: false, signIn: 'unknown', suggestedName: 'Example' };

/** A server as the core answers `servers:add`: its sign-in state and its proxy's state. */
const summary = (signIn: ServerSummary['signIn'], state: ServerSummary['status']['state']) =>
  server('acme', { name: 'Acme Projects', url: ACME.url, signIn }, { state });

const typed = (url: string) => run([{ type: 'url-edited', url }]);
const reviewing = (probe: ProbeResult = ACME) =>
  run([{ type: 'url-edited', url: probe.url }, { type: 'probe-started' }, { type: 'probe-answered', result: probe }]);

describe('add flow: the URL step', () => {
  it('starts empty on the URL step and cannot probe without a URL', () => {
    expect(INITIAL_STATE.step).toBe('url');
    expect(canProbe(INITIAL_STATE)).toBe(false);
    expect(canProbe(typed('   '))).toBe(false);
    expect(canProbe(typed('https://x'))).toBe(true);
    expect(canProbe(addFlowReducer(typed('https://x'), { type: 'probe-started' }))).toBe(false);
  });

  it('editing the URL clears its error', () => {
    const refused = run([{ type: 'probe-started' }, { type: 'probe-refused', error: 'not a URL' }], typed('mcp.acme'));
    expect(refused).toMatchObject({ step: 'url', probing: false, urlError: 'not a URL' });
    expect(addFlowReducer(refused, { type: 'url-edited', url: 'mcp.acme.' }).urlError).toBeUndefined();
  });

  it('a probe that answered goes to review and names the server', () => {
    expect(reviewing()).toMatchObject({ step: 'review', probing: false, probe: ACME, name: 'Acme Projects', urlError: undefined });
  });

  it('an unreachable host stays on the URL step with the probe’s problem, or says nothing answered at the host', () => {
    const withProblem = reviewing({ ...DOWN, problem: 'Nothing answers at down.example.com: connection refused.' });
    expect(withProblem).toMatchObject({ step: 'url', urlError: 'Nothing answers at down.example.com: connection refused.', name: 'Example' });
    expect(reviewing(DOWN).urlError).toBe('Nothing answered at down.example.com.');
    expect(addFlowReducer(reviewing(DOWN), { type: 'add-anyway' }).step).toBe('review');
  });

  it('"add anyway" needs a probe result', () => {
    expect(addFlowReducer(INITIAL_STATE, { type: 'add-anyway' })).toBe(INITIAL_STATE);
  });

  it('a new probe replaces the suggested name but keeps a name the user typed', () => {
    const again = { type: 'probe-answered', result: { ...ACME, suggestedName: 'Acme 2' } } as const;
    expect(addFlowReducer(reviewing(), again).name).toBe('Acme 2');
    const renamed = addFlowReducer(reviewing(), { type: 'text-edited', field: 'name', value: 'Work' });
    expect(addFlowReducer(renamed, again).name).toBe('Work');
  });

  it('the probe is asked with the trimmed URL and the named headers only', () => {
    const s = run(
      [
        { type: 'header-added' },
        { type: 'header-added' },
        { type: 'header-edited', key: 1, name: ' X-Team ' },
        { type: 'header-edited', key: 1, value: 'platform' },
        { type: 'header-edited', key: 2, value: 'no name' },
      ],
      typed('  https://mcp.acme.dev/mcp '),
    );
    expect(probeInput(s)).toEqual({ url: 'https://mcp.acme.dev/mcp', headers: { 'X-Team': 'platform' } });
    expect(probeInput(typed('https://a/mcp'))).toEqual({ url: 'https://a/mcp' });
  });
});

describe('add flow: a link’s proposal', () => {
  it('pre-fills the URL and name on the URL step, and dismissing it empties them', () => {
    const s = run([{ type: 'proposal-received', proposal: { url: 'https://mcp.example.org/mcp', name: 'Example Org' } }], reviewing());
    expect(s).toMatchObject({ step: 'url', url: 'https://mcp.example.org/mcp', name: 'Example Org', probe: undefined, urlError: undefined });
    expect(s.proposed).toEqual({ url: 'https://mcp.example.org/mcp', name: 'Example Org' });
    expect(addFlowReducer(s, { type: 'proposal-dismissed' })).toMatchObject({ proposed: undefined, url: '', name: '' });
  });

  it('starts a fresh form: nothing typed for another server reaches the one the link proposes, and it says so (issue 12 item 12)', () => {
    const typedForOther = run(
      [
        { type: 'header-added' },
        { type: 'header-edited', key: 1, name: 'Authorization', value: 'Bearer for-another-server' },
        { type: 'text-edited', field: 'clientId', value: 'other-app' },
        { type: 'text-edited', field: 'clientSecret', value: 'other-secret' },
        { type: 'text-edited', field: 'scopes', value: 'admin' },
        { type: 'advanced-toggled' },
      ],
      reviewing(),
    );
    const s = addFlowReducer(typedForOther, { type: 'proposal-received', proposal: { url: 'https://mcp.example.org/mcp' } });
    expect(s).toMatchObject({
      step: 'url',
      url: 'https://mcp.example.org/mcp',
      headers: [],
      clientId: '',
      clientSecret: '',
      scopes: '',
      advancedOpen: false,
      replacedByLink: true,
    });
    expect(addInput(addFlowReducer(s, { type: 'probe-answered', result: { ...OPEN, url: 'https://mcp.example.org/mcp' } }))).toEqual({
      url: 'https://mcp.example.org/mcp',
      name: OPEN.suggestedName,
    });
    // An empty form: nothing to say.
    expect(addFlowReducer(INITIAL_STATE, { type: 'proposal-received', proposal: { url: 'https://mcp.example.org/mcp' } }).replacedByLink).toBe(false);
  });

  it('is forgotten once the server is added', () => {
    const s = run(
      [
        { type: 'proposal-received', proposal: { url: OPEN.url } },
        { type: 'probe-answered', result: OPEN },
        { type: 'added', server: summary('none', 'ready') },
      ],
      INITIAL_STATE,
    );
    expect(s.proposed).toBeUndefined();
  });
});

describe('add flow: the review step', () => {
  it('headers get keys that are never reused, and can be edited and removed one by one', () => {
    const s = run([{ type: 'header-added' }, { type: 'header-added' }, { type: 'header-removed', key: 1 }, { type: 'header-added' }]);
    expect(s.headers.map((h) => h.key)).toEqual([2, 3]);
    expect(run([{ type: 'header-edited', key: 3, name: 'A' }], s).headers).toEqual([
      { key: 2, name: '', value: '' },
      { key: 3, name: 'A', value: '' },
    ]);
  });

  it('toggles the advanced fields and goes back to the URL step', () => {
    expect(run([{ type: 'advanced-toggled' }]).advancedOpen).toBe(true);
    expect(run([{ type: 'advanced-toggled' }, { type: 'advanced-toggled' }]).advancedOpen).toBe(false);
    expect(addFlowReducer(reviewing(), { type: 'back-to-url' }).step).toBe('url');
  });

  it('adds the probed URL with only the fields the user filled, trimmed (the secret as typed)', () => {
    const s = run(
      [
        { type: 'text-edited', field: 'name', value: ' Acme ' },
        { type: 'text-edited', field: 'clientId', value: ' switchboard-desktop ' },
        { type: 'text-edited', field: 'clientSecret', value: ' s3cret ' },
        { type: 'text-edited', field: 'scopes', value: ' projects:read  ' },
      ],
      run([
        { type: 'url-edited', url: 'mcp.acme.dev/mcp' },
        { type: 'probe-answered', result: ACME },
      ]),
    );
    expect(addInput(s)).toEqual({ url: ACME.url, name: 'Acme', clientId: 'switchboard-desktop', clientSecret: ' s3cret ', scopes: 'projects:read' });
    expect(addInput(run([{ type: 'text-edited', field: 'name', value: '  ' }], typed(' https://a/mcp ')))).toEqual({ url: 'https://a/mcp' });
  });

  it('Advanced ▸ sign-in and network: only what was chosen, the key only for client credentials; the probe gets the network fields (issue 17)', () => {
    const s = run(
      [
        { type: 'text-edited', field: 'clientId', value: 'machine' },
        { type: 'access-edited', patch: { signIn: 'client-credentials', privateKey: '-----BEGIN PRIVATE KEY-----' } },
        { type: 'access-edited', patch: { proxy: ' http://proxy.corp:3128 ', caFile: ' /etc/corp/root.pem ' } },
      ],
      run([
        { type: 'url-edited', url: 'mcp.acme.dev/mcp' },
        { type: 'probe-answered', result: ACME },
      ]),
    );
    expect(addInput(s)).toEqual({
      url: ACME.url,
      name: 'Acme Projects',
      clientId: 'machine',
      signIn: 'client-credentials',
      privateKey: '-----BEGIN PRIVATE KEY-----',
      proxy: 'http://proxy.corp:3128',
      caFile: '/etc/corp/root.pem',
    });
    expect(probeInput(s)).toMatchObject({ proxy: 'http://proxy.corp:3128', caFile: '/etc/corp/root.pem' });
    const enterprise = run([{ type: 'access-edited', patch: { signIn: 'enterprise' } }], s);
    expect(addInput(enterprise)).not.toHaveProperty('privateKey');
    expect(addInput(enterprise).signIn).toBe('enterprise');
    expect(run([{ type: 'started-over' }], s).access).toEqual(INITIAL_STATE.access);
  });

  it('a refused add stays on review with the reason; the next try clears it', () => {
    const refused = run([{ type: 'add-started' }, { type: 'add-refused', error: 'already in the list' }], reviewing());
    expect(refused).toMatchObject({ step: 'review', adding: false, addError: 'already in the list' });
    expect(addFlowReducer(refused, { type: 'add-started' })).toMatchObject({ adding: true, addError: undefined });
  });

  it('after adding, goes to sign-in when the probe or the server says so, else to the clients', () => {
    const added = (probe: ProbeResult, server: ServerSummary) => run([{ type: 'add-started' }, { type: 'added', server }], reviewing(probe));
    expect(added(ACME, summary('none', 'ready'))).toMatchObject({ step: 'sign-in', adding: false, added: summary('none', 'ready') });
    expect(added(OPEN, summary('none', 'needs-sign-in')).step).toBe('sign-in');
    expect(added(OPEN, summary('needs-sign-in', 'starting')).step).toBe('sign-in');
    expect(added(OPEN, summary('none', 'ready')).step).toBe('install');
  });
});

describe('add flow: sign-in, clients, done', () => {
  const atSignIn = () => run([{ type: 'added', server: summary('needs-sign-in', 'needs-sign-in') }], reviewing());

  it('a failed sign-in stays with the reason; a good one goes to the clients, signed in', () => {
    const failed = run([{ type: 'sign-in-started' }, { type: 'sign-in-failed', error: 'invalid_grant' }], atSignIn());
    expect(failed).toMatchObject({ step: 'sign-in', signingIn: false, signInError: 'invalid_grant', signedIn: false });
    const ok = run([{ type: 'sign-in-started' }, { type: 'signed-in' }], failed);
    expect(ok).toMatchObject({ step: 'install', signingIn: false, signInError: undefined, signedIn: true });
    expect(addFlowReducer(atSignIn(), { type: 'sign-in-skipped' })).toMatchObject({ step: 'install', signedIn: false });
  });

  it('a draft: kept once signed in (or kept without); cancelled, back to the form with nothing added', () => {
    const draft = summary('needs-sign-in', 'stopped');
    const waiting = run([{ type: 'add-started' }, { type: 'added', server: draft, draft: true }, { type: 'sign-in-started' }], reviewing(OPEN));
    expect(waiting).toMatchObject({ step: 'sign-in', draft: true, signingIn: true });
    const kept = { ...draft, status: { ...draft.status, state: 'starting' as const } };
    expect(addFlowReducer(waiting, { type: 'signed-in', server: kept })).toMatchObject({ step: 'install', draft: false, added: kept, signedIn: true });
    expect(addFlowReducer(waiting, { type: 'sign-in-skipped', server: kept })).toMatchObject({ step: 'install', draft: false, added: kept, signedIn: false });
    const cancelled = addFlowReducer(waiting, { type: 'sign-in-cancelled' });
    expect(cancelled).toMatchObject({ step: 'review', draft: false, added: undefined, signingIn: false, probe: OPEN });
  });

  it('every present client is ticked until the user unticks one', () => {
    const present = ['claude-desktop', 'cursor'];
    expect([...selectedClients(INITIAL_STATE, present)]).toEqual(present);
    const s = addFlowReducer(INITIAL_STATE, { type: 'client-toggled', clientId: 'cursor', checked: false, present });
    expect([...selectedClients(s, present)]).toEqual(['claude-desktop']);
    const back = addFlowReducer(s, { type: 'client-toggled', clientId: 'cursor', checked: true, present });
    expect([...selectedClients(back, present)].sort()).toEqual(present);
  });

  it('installing ends on the done step with the outcomes; "Not now" ends there with none', () => {
    const outcomes = [{ clientId: 'cursor', clientName: 'Cursor', ok: false as const, error: 'not valid JSON' }];
    const s = run([{ type: 'install-started' }], atSignIn());
    expect(s.installing).toBe(true);
    expect(addFlowReducer(s, { type: 'installed', outcomes })).toMatchObject({ step: 'done', installing: false, outcomes });
    expect(addFlowReducer(atSignIn(), { type: 'install-skipped' })).toMatchObject({ step: 'done', outcomes: [] });
  });

  it('"Add another" starts over from an empty URL step, forgetting the advanced fields too', () => {
    const done = run(
      [
        { type: 'advanced-toggled' },
        { type: 'header-added' },
        { type: 'text-edited', field: 'clientId', value: 'id' },
        { type: 'text-edited', field: 'clientSecret', value: 'secret' },
        { type: 'text-edited', field: 'scopes', value: 'repo' },
        { type: 'added', server: summary('needs-sign-in', 'needs-sign-in') },
        { type: 'signed-in' },
        { type: 'client-toggled', clientId: 'cursor', checked: false, present: ['cursor'] },
        { type: 'installed', outcomes: [] },
      ],
      reviewing(),
    );
    expect(addFlowReducer(done, { type: 'started-over' })).toEqual(INITIAL_STATE);
    // The scopes were once kept: folded away, they went with the next server the user added.
    expect(addInput(addFlowReducer(done, { type: 'started-over' })).scopes).toBeUndefined();
  });
});

describe('add flow: the steps shown', () => {
  const ids = (s: AddFlowState) => visibleSteps(s).map((x) => x.id);

  it('hides "Sign in" once the probe says none is needed, unless the flow is on it', () => {
    expect(ids(INITIAL_STATE)).toEqual(['url', 'review', 'sign-in', 'install', 'done']);
    expect(ids(reviewing(ACME))).toEqual(['url', 'review', 'sign-in', 'install', 'done']);
    expect(ids(reviewing(OPEN))).toEqual(['url', 'review', 'install', 'done']);
    const signInAnyway = run([{ type: 'added', server: summary('needs-sign-in', 'needs-sign-in') }], reviewing(OPEN));
    expect(ids(signInAnyway)).toEqual(['url', 'review', 'sign-in', 'install', 'done']);
  });
});
