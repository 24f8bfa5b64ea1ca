// @vitest-environment jsdom
/**
 * Component tests of the log viewer in jsdom. window.switchboard is a FAKE here (FakeBridge): the
 * renderer has no other way out, and the real core runs in the e2e tests, not in jsdom. The
 * clipboard is faked too (jsdom has none). jsdom does no layout, so the viewer uses its fallback
 * viewport height (528 px = 24 rows) and scroll positions are set by hand.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallArg, CallName, CallValue, EventName, Events, LogEvent, LogLevel, Result, ServerSummary, SwitchboardApi } from '../../../../common/contract';
import { LogViewer, OVERSCAN, ROW_HEIGHT, TAIL_LIMIT } from './LogViewer';

type Handler = (arg: unknown) => Promise<Result<unknown>> | Result<unknown>;

/** Fake bridge: records calls and subscriptions in order, answers from per-call handlers. */
class FakeBridge implements SwitchboardApi {
  readonly journal: string[] = [];
  readonly calls: Array<{ name: CallName; arg: unknown }> = [];
  private readonly listeners = new Map<EventName, Set<(p: never) => void>>();
  handlers: Partial<Record<CallName, Handler>> = {
    'logs:tail': () => ({ ok: true, value: [] }),
  };

  call<K extends CallName>(name: K, arg: CallArg<K>): Promise<Result<CallValue<K>>> {
    this.journal.push(`call ${name}`);
    this.calls.push({ name, arg });
    const h = this.handlers[name];
    if (!h) return Promise.resolve({ ok: false, error: `fake bridge: no handler for ${name}` });
    return Promise.resolve(h(arg)) as Promise<Result<CallValue<K>>>;
  }

  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void {
    this.journal.push(`on ${name}`);
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as (p: never) => void);
    return () => set.delete(listener as (p: never) => void);
  }

  listenerCount(name: EventName): number {
    return this.listeners.get(name)?.size ?? 0;
  }

  emitNow<K extends EventName>(name: K, payload: Events[K]): void {
    for (const l of this.listeners.get(name) ?? []) (l as (p: Events[K]) => void)(payload);
  }
}

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

let bridge: FakeBridge;
let clipboardText: string | undefined;

/** Emits live lines and lets the viewer render them (it renders once per animation frame). */
async function append(events: LogEvent[]) {
  await act(async () => {
    bridge.emitNow('logs:did-append', events);
    await nextFrame();
  });
}

let t0 = Date.UTC(2026, 5, 1, 12, 0, 0);
function ev(message: string, level: LogLevel = 'info', server = 'srv-a', extra: Partial<LogEvent> = {}): LogEvent {
  return { ts: t0++, level, server, message, ...extra };
}

function server(id: string, name: string): ServerSummary {
  return {
    id,
    name,
    url: `https://${id}.example.com/mcp`,
    enabled: true,
    headerNames: [],
    signIn: 'none',
    status: { serverId: id, state: 'ready', since: 0, restarts: 0, counters: { connections: 0, connectionsTotal: 0, requests: 0, errors: 0 } },
  };
}
const SERVERS = [server('srv-a', 'Alpha'), server('srv-b', 'Beta')];

const list = () => screen.getByRole('log');
const rows = () => within(list()).queryAllByRole('listitem');
const rowTexts = () => rows().map((r) => r.textContent ?? '');
const status = () => screen.getByText((_, el) => el?.classList.contains('lv-status') ?? false);

/** Mounted showing every level (the protocol traffic too), unless a test says otherwise. */
async function mount(props: Partial<Parameters<typeof LogViewer>[0]> = {}) {
  const view = render(<LogViewer servers={SERVERS} defaultLevel="debug" {...props} />);
  await act(async () => {
    await nextFrame();
  });
  return view;
}

beforeEach(() => {
  bridge = new FakeBridge();
  window.switchboard = bridge;
  clipboardText = undefined;
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: {
      writeText: async (text: string) => {
        clipboardText = text;
      },
    },
  });
});

afterEach(() => {
  cleanup();
});

describe('LogViewer: data', () => {
  it('subscribes before it asks for the tail, and asks for all servers without a serverId', async () => {
    await mount();
    const iOn = bridge.journal.indexOf('on logs:did-append');
    const iTail = bridge.journal.indexOf('call logs:tail');
    expect(iOn).toBeGreaterThanOrEqual(0);
    expect(iOn).toBeLessThan(iTail);
    expect(bridge.calls.find((c) => c.name === 'logs:tail')?.arg).toEqual({ limit: TAIL_LIMIT });
  });

  it('asks for one server when started on it', async () => {
    await mount({ initialServerId: 'srv-b', compact: true });
    expect(bridge.calls.find((c) => c.name === 'logs:tail')?.arg).toEqual({ serverId: 'srv-b', limit: TAIL_LIMIT });
  });

  it('joins the tail and the lines that arrived while it loaded, without duplicates', async () => {
    const older = ev('older line');
    const overlap = ev('in both');
    const newer = ev('only live');
    let answer!: (r: Result<LogEvent[]>) => void;
    bridge.handlers['logs:tail'] = () => new Promise((r) => (answer = r as never));
    await mount();
    await append([overlap, newer]); // arrive before the tail answers
    expect(rows()).toHaveLength(0);
    await act(async () => {
      answer({ ok: true, value: [older, { ...overlap }] });
      await nextFrame();
    });
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
    expect(rowTexts().map((t) => t.match(/older line|in both|only live/)?.[0])).toEqual(['older line', 'in both', 'only live']);
    await append([ev('later')]);
    expect(rows()).toHaveLength(4);
    expect(status().textContent).toBe('4 lines');
  });

  it('says when the tail failed and still shows live lines', async () => {
    bridge.handlers['logs:tail'] = () => ({ ok: false, error: 'logs:tail: "serverId" must be a string' });
    await mount();
    expect(screen.getByRole('alert').textContent).toMatch(/Could not load earlier lines: logs:tail: "serverId" must be a string/);
    await append([ev('still here')]);
    expect(rowTexts()[0]).toMatch(/still here/);
  });

  it('only takes live lines of its server when it loaded one server', async () => {
    await mount({ initialServerId: 'srv-a' });
    await append([ev('mine', 'info', 'srv-a'), ev('theirs', 'info', 'srv-b')]);
    expect(rowTexts()).toHaveLength(1);
    expect(rowTexts()[0]).toMatch(/mine/);
  });

  it('drops the oldest lines beyond its capacity and says so', async () => {
    await mount({ capacity: 50 });
    await append(Array.from({ length: 80 }, (_, i) => ev(`n${i}`)));
    expect(status().textContent).toBe('50 lines · 30 older dropped (keeps the latest 50)');
  });

  it('unsubscribes when unmounted', async () => {
    const view = await mount();
    expect(bridge.listenerCount('logs:did-append')).toBe(1);
    view.unmount();
    expect(bridge.listenerCount('logs:did-append')).toBe(0);
  });
});

describe('LogViewer: lines', () => {
  it('shows traffic and process lines with time, level, server name, arrow, method, duration', async () => {
    await mount();
    await append([
      ev('Proxy started', 'info', 'srv-a'),
      ev('tools/call ok', 'info', 'srv-b', { method: 'tools/call', id: 7, direction: 'server-to-client', durationMs: 42.4, size: 300 }),
    ]);
    const [process, traffic] = rows();
    expect(within(process).getByText('Alpha')).toBeTruthy();
    expect(within(process).getByText('info')).toBeTruthy();
    // Milliseconds and the date are in the line's details; the row shows the time of day.
    expect(process.querySelector('.lv-c-time')?.textContent).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(within(traffic).getByText('Beta')).toBeTruthy();
    expect(within(traffic).getByLabelText('server to client').textContent).toBe('←');
    expect(within(traffic).getByText('tools/call #7')).toBeTruthy();
    expect(within(traffic).getByText('42 ms')).toBeTruthy();
    expect(traffic.textContent).toMatch(/300 B/);
  });

  it('keeps only the visible rows in the DOM with 100,000 lines, and follows the newest', async () => {
    await mount();
    const batch = 5000;
    for (let b = 0; b < 100_000 / batch; b++) {
      await append(Array.from({ length: batch }, (_, i) => ev(`line ${b * batch + i}`, 'debug')));
    }
    expect(status().textContent).toBe('100,000 lines');
    const inDom = rows();
    expect(inDom.length).toBeGreaterThan(10);
    expect(inDom.length).toBeLessThanOrEqual(528 / ROW_HEIGHT + 1 + 2 * OVERSCAN);
    expect(inDom.at(-1)?.textContent).toMatch(/line 99999$/);
    expect(inDom.at(-1)?.getAttribute('aria-setsize')).toBe('100000');
    const spacer = list().querySelector<HTMLElement>('.lv-rows');
    expect(spacer?.style.height).toBe(`${100_000 * ROW_HEIGHT}px`);
  });
});

describe('LogViewer: readable rows (issue 14)', () => {
  const request = (id: number, method = 'tools/call', extra: Partial<LogEvent> = {}) =>
    ev(`→ ${method}`, 'debug', 'srv-a', { method, id, direction: 'client-to-server', connection: 2, size: 120, client: 'Claude Desktop', ...extra });
  const answer = (id: number, ok = true, method = 'tools/call', extra: Partial<LogEvent> = {}) =>
    ev(ok ? `${method} ok` : `${method} failed: upstream said 500 Internal Server Error`, ok ? 'info' : 'warn', 'srv-a', {
      method,
      id,
      direction: 'server-to-client',
      connection: 2,
      durationMs: 31,
      size: 140,
      client: 'Claude Desktop',
      ...extra,
    });

  it('shows info and above by default: the protocol chatter is one choice away', async () => {
    await mount({ defaultLevel: undefined });
    expect(screen.getByLabelText<HTMLSelectElement>('Level').value).toBe('info');
    await append([ev('debug chatter', 'debug'), ev('Proxy started', 'info')]);
    expect(rowTexts()).toEqual([expect.stringMatching(/Proxy started$/)]);
  });

  it('a request and its answer are one row: method, outcome, duration, size; the client by name', async () => {
    await mount();
    await append([request(7)]);
    expect(rowTexts()).toEqual([expect.stringMatching(/Claude Desktop\s+→ tools\/call #7 waiting for the answer · 120 B$/)]);
    await append([answer(7)]);
    expect(rows()).toHaveLength(1);
    expect(rowTexts()[0]).toMatch(/Claude Desktop\s+⇄ tools\/call #7 ok · 31 ms · 140 B$/);
    // A failed call reads as failed, with what the server said.
    await append([request(8), answer(8, false)]);
    expect(rows()).toHaveLength(2);
    expect(rows()[1].querySelector('.lv-outcome-bad')?.textContent).toBe('failed: upstream said 500 Internal Server Error');
  });

  it("labels the app's own tools listing as the app, not as a client", async () => {
    await mount();
    await append([
      ev('Switchboard connected to list the tools (the app itself, not a client)', 'info', 'srv-a', { connection: 3, own: true, client: 'Switchboard' }),
    ]);
    expect(rows()[0].classList.contains('lv-own')).toBe(true);
    expect(rows()[0].querySelector('.lv-c-client')?.textContent).toBe('Switchboard (app)');
  });

  it('chips show only errors, sign-in lines or tool calls', async () => {
    await mount();
    await append([
      ev('Signed in to Alpha', 'info', 'srv-a', { topic: 'sign-in' }),
      request(1),
      answer(1),
      answer(2, true, 'tools/list'),
      ev('Upstream answered 502', 'warn'),
    ]);
    const chips = screen.getByRole('group', { name: 'Show only' });
    fireEvent.click(within(chips).getByRole('button', { name: 'Sign-in' }));
    await waitFor(() => expect(rowTexts()).toEqual([expect.stringMatching(/Signed in to Alpha$/)]));
    fireEvent.click(within(chips).getByRole('button', { name: 'Tool calls' }));
    await waitFor(() => expect(rowTexts()).toEqual([expect.stringMatching(/tools\/call #1 ok/)]));
    expect(within(chips).getByRole('button', { name: 'Tool calls' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(within(chips).getByRole('button', { name: 'Errors' }));
    await waitFor(() => expect(rowTexts()).toEqual([expect.stringMatching(/Upstream answered 502$/)]));
    fireEvent.click(within(chips).getByRole('button', { name: 'Errors' }));
    await waitFor(() => expect(rows()).toHaveLength(4));
  });

  it('a click opens the row in a drawer: full text, the request and answer as JSON, the error, Copy', async () => {
    await mount();
    const long = `Upstream failed: ${'x'.repeat(600)} END`;
    await append([request(9), answer(9, false), ev(long, 'error')]);
    fireEvent.click(within(rows()[0]).getByRole('button'));
    const drawer = screen.getByTestId('log-details');
    expect(within(drawer).getByRole('heading').textContent).toBe('tools/call #9 · failed: upstream said 500 Internal Server Error');
    expect(within(drawer).getByTestId('log-details-error').textContent).toBe('failed: upstream said 500 Internal Server Error');
    expect(drawer.textContent).toContain('ClientClaude Desktop');
    const json = JSON.parse(within(drawer).getByTestId('log-details-json').textContent!);
    expect(json.request).toMatchObject({ method: 'tools/call', id: 9, direction: 'client-to-server' });
    expect(json.answer).toMatchObject({ method: 'tools/call', id: 9, durationMs: 31 });
    fireEvent.click(within(drawer).getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(clipboardText).toContain('"request"'));
    // A long line: cut in the row, whole in the drawer.
    fireEvent.click(within(rows()[1]).getByRole('button'));
    expect(screen.getByTestId('log-details-text').textContent).toBe(long);
    fireEvent.click(screen.getByRole('button', { name: 'Close the details' }));
    expect(screen.queryByTestId('log-details')).toBeNull();
  });

  it('marks where a new day starts, with its date', async () => {
    await mount();
    const day = 86_400_000;
    await append([
      { ts: Date.UTC(2026, 0, 5, 10), level: 'info', server: 'srv-a', message: 'first day' },
      { ts: Date.UTC(2026, 0, 5, 11), level: 'info', server: 'srv-a', message: 'same day' },
      { ts: Date.UTC(2026, 0, 5, 10) + day, level: 'info', server: 'srv-a', message: 'next day' },
    ]);
    const marked = rows().map((r) => r.getAttribute('data-day'));
    expect(marked).toEqual([expect.stringMatching(/5 Jan 2026/), null, expect.stringMatching(/6 Jan 2026/)]);
    expect(rows()[2].textContent).toMatch(/^Tue, 6 Jan 2026: /);
  });
});

describe('LogViewer: filters', () => {
  beforeEach(() => {
    bridge.handlers['logs:tail'] = () => ({
      ok: true,
      value: [
        ev('debug chatter', 'debug', 'srv-a'),
        ev('tools/call ok', 'info', 'srv-a', { method: 'tools/call', id: 1 }),
        ev('Upstream answered 502 Bad Gateway', 'warn', 'srv-b'),
        ev('Crash loop: stopped', 'error', 'srv-b'),
      ],
    });
  });

  it('filters by minimum level', async () => {
    await mount();
    expect(rows()).toHaveLength(4);
    fireEvent.change(screen.getByLabelText('Level'), { target: { value: 'warn' } });
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(status().textContent).toBe('Showing 2 of 4 lines');
    fireEvent.change(screen.getByLabelText('Level'), { target: { value: 'error' } });
    await waitFor(() => expect(rowTexts()).toEqual([expect.stringMatching(/Crash loop/)]));
  });

  it('filters by server and offers every server by name', async () => {
    await mount();
    const select = screen.getByLabelText<HTMLSelectElement>('Server');
    expect([...select.options].map((o) => o.text)).toEqual(['All servers', 'Alpha', 'Beta']);
    fireEvent.change(select, { target: { value: 'srv-b' } });
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rowTexts()).toEqual([expect.stringMatching(/Upstream answered 502/), expect.stringMatching(/Crash loop/)]);
    // One server: its name on every line would say nothing.
    expect(list().querySelector('.lv-c-server')).toBeNull();
    expect(list().getAttribute('aria-label')).toBe('Log lines of Beta');
    // Everything was loaded: no second tail for a server chosen from "All servers".
    expect(bridge.calls.filter((c) => c.name === 'logs:tail')).toHaveLength(1);
  });

  it('loads all servers when a one-server viewer switches to All servers', async () => {
    await mount({ initialServerId: 'srv-a' });
    fireEvent.change(screen.getByLabelText('Server'), { target: { value: '' } });
    await waitFor(() => expect(bridge.calls.filter((c) => c.name === 'logs:tail')).toHaveLength(2));
    expect(bridge.calls.at(-1)?.arg).toEqual({ limit: TAIL_LIMIT });
  });

  it('searches, highlights the matches and counts them', async () => {
    await mount();
    fireEvent.change(screen.getByLabelText('Search the log'), { target: { value: 'BAD' } });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0].querySelector('mark')?.textContent).toBe('Bad');
    expect(status().textContent).toBe('Showing 1 of 4 lines · 1 match for “BAD”');
    fireEvent.change(screen.getByLabelText('Search the log'), { target: { value: 'nothing like this' } });
    await waitFor(() => expect(rows()).toHaveLength(0));
    expect(screen.getByText('No lines match the filters.')).toBeTruthy();
  });

  it('applies the filters to lines that arrive later', async () => {
    await mount();
    fireEvent.change(screen.getByLabelText('Level'), { target: { value: 'error' } });
    await waitFor(() => expect(rows()).toHaveLength(1));
    await append([ev('quiet', 'info'), ev('loud', 'error')]);
    expect(rowTexts()).toEqual([expect.stringMatching(/Crash loop/), expect.stringMatching(/loud/)]);
  });
});

describe('LogViewer: following, keyboard, pause', () => {
  const fill = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ev(`line ${from + i}`, 'debug'));

  it('is focusable, not a live region, and has labelled controls', async () => {
    await mount();
    expect(list().getAttribute('tabindex')).toBe('0');
    expect(list().getAttribute('aria-live')).toBe('off');
    expect(screen.getByRole('status').textContent).toBe('0 lines');
    for (const name of ['Pause', 'Copy', 'Export diagnostics']) expect(screen.getByRole('button', { name })).toBeTruthy();
    for (const label of ['Server', 'Level', 'Search the log']) expect(screen.getByLabelText(label)).toBeTruthy();
  });

  it('Home goes to the first line and pauses; End goes back to the latest and follows', async () => {
    await mount();
    await append(fill(1000));
    const el = list();
    el.focus();
    fireEvent.keyDown(el, { key: 'Home' });
    await waitFor(() => expect(rowTexts()[0]).toMatch(/line 0$/));
    expect(el.scrollTop).toBe(0);
    expect(screen.getByRole('button', { name: 'Resume' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.keyDown(el, { key: 'PageDown' });
    await waitFor(() => expect(el.scrollTop).toBe(528 - ROW_HEIGHT));
    expect(rowTexts()[0]).toMatch(new RegExp(`line ${23 - OVERSCAN}$`)); // first visible row 23, less the overscan
    fireEvent.keyDown(el, { key: 'End' });
    await waitFor(() => expect(rowTexts().at(-1)).toMatch(/line 999$/));
    expect(screen.getByRole('button', { name: 'Pause' })).toBeTruthy();
  });

  it('pauses when the reader scrolls up, counts new lines, and jumps to the latest', async () => {
    await mount();
    await append(fill(200));
    const el = list();
    act(() => {
      el.scrollTop = 100; // the reader scrolls up
      fireEvent.scroll(el);
    });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Resume' })).toBeTruthy());
    const firstBefore = rowTexts()[0];
    await append(fill(5, 200));
    expect(rowTexts()[0]).toBe(firstBefore); // the reader's place stays
    const jump = screen.getByRole('button', { name: '5 new lines — jump to latest' });
    expect(status().textContent).toBe('205 lines · paused, 5 new');
    fireEvent.click(jump);
    await waitFor(() => expect(rowTexts().at(-1)).toMatch(/line 204$/));
    expect(screen.queryByRole('button', { name: /jump to latest/ })).toBeNull();
    expect(el.scrollTop).toBe(205 * ROW_HEIGHT - 528);
  });

  it('Pause stops following: new lines do not move the list', async () => {
    await mount();
    await append(fill(100));
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    const before = rowTexts();
    const top = list().scrollTop;
    await append(fill(50, 100));
    expect(list().scrollTop).toBe(top);
    // Same lines from the top; only the overscan below grows into the new lines.
    expect(rowTexts().slice(0, before.length)).toEqual(before);
    expect(rowTexts().at(-1)).toMatch(new RegExp(`line ${99 + OVERSCAN}$`));
    expect(screen.getByRole('button', { name: '50 new lines — jump to latest' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(rowTexts().at(-1)).toMatch(/line 149$/));
  });

  it('keeps a paused reader on the same lines while old lines drop out of the ring', async () => {
    await mount({ capacity: 300 });
    await append(fill(300));
    const el = list();
    act(() => {
      el.scrollTop = 100 * ROW_HEIGHT; // reading from line 100
      fireEvent.scroll(el);
    });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Resume' })).toBeTruthy());
    const reading = rowTexts()[OVERSCAN]; // first visible row, after the overscan
    expect(reading).toMatch(/line 100$/);
    await append(fill(40, 300)); // lines 0..39 drop
    expect(el.scrollTop).toBe(60 * ROW_HEIGHT);
    await waitFor(() => expect(rowTexts()[OVERSCAN]).toBe(reading));
  });
});

describe('LogViewer: copy and diagnostics', () => {
  it('copies the filtered lines as text', async () => {
    await mount();
    await append([
      ev('keep me', 'error', 'srv-a'),
      ev('not me', 'debug', 'srv-a'),
      ev('me too', 'error', 'srv-b', { method: 'ping', direction: 'client-to-server' }),
    ]);
    fireEvent.change(screen.getByLabelText('Level'), { target: { value: 'error' } });
    await waitFor(() => expect(rows()).toHaveLength(2));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    });
    const lines = clipboardText?.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines?.[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR Alpha keep me$/);
    expect(lines?.[1]).toMatch(/ERROR Beta → ping me too$/);
    expect(screen.getByText('Copied 2 lines.')).toBeTruthy();
  });

  it('says when the clipboard refuses', async () => {
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: () => Promise.reject(new Error('Document is not focused')) },
    });
    await mount();
    await append([ev('x')]);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    });
    expect(screen.getByRole('alert').textContent).toBe('Could not copy: Document is not focused');
  });

  it('exports diagnostics and shows the file written', async () => {
    bridge.handlers['logs:export-diagnostics'] = () => ({ ok: true, value: { file: '/home/u/.mcp-switchboard/diagnostics-1.json', bytes: 4096 } });
    await mount();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Export diagnostics' }));
    });
    expect(bridge.calls.some((c) => c.name === 'logs:export-diagnostics' && c.arg === undefined)).toBe(true);
    expect(screen.getByText('Diagnostics written to /home/u/.mcp-switchboard/diagnostics-1.json (4.0 KB).')).toBeTruthy();
  });

  it('shows why the export failed', async () => {
    bridge.handlers['logs:export-diagnostics'] = () => ({ ok: false, error: 'EACCES: permission denied' });
    await mount();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Export diagnostics' }));
    });
    expect(screen.getByRole('alert').textContent).toBe('Could not export diagnostics: EACCES: permission denied');
  });
});
