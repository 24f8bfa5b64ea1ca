/**
 * The recovery stage on fake time: a test clock (the Clock port) that moves only when told, a
 * fixed "random" for the jitter, and a stand-in for the transport at the server end that records
 * what is sent and answers as the real one does (an error answer carrying what happened). The real
 * transport against real misbehaving servers is tested end to end in test/faults.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { isRequest, resultResponse, type JsonRpcId, type JsonRpcMessage } from '../../shared/mcp-http';
import { linkStages } from './chain';
import type { Clock } from '../../shared/clock';
import type { DeliveryFailure, RecoveryControl, ResumePoint } from './delivery';
import { RetryBudget } from './retry-budget';
import { backoffDelay, DEFAULT_BACKOFF, isRepeatable, plan, SIDE_EFFECT_FREE_METHODS } from './retry-policy';
import { recovery, type RecoveryOptions } from './retry-stage';
import { answer, messagesOf, type StageFactory, type StageLink, type ToClient } from './stage';
import { ToolHints } from './tool-hints';

/** A clock whose time moves only in `advance`, firing due timers in order. */
function fakeClock(): Clock & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + ms, fn });
      return { cancel: () => timers.delete(id) };
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = until;
    },
    pending: () => timers.size,
  };
}

const refused: DeliveryFailure = {
  delivery: 'not-sent',
  failure: { kind: 'network', message: 'Cannot reach upstream http://s/mcp: connection refused (ECONNREFUSED)' },
  what: 'the server refused the connection',
};
const badGateway: DeliveryFailure = {
  delivery: 'maybe-processed',
  failure: { kind: 'http', status: 502, message: 'Upstream http://s/mcp answered 502 Bad Gateway' },
  what: 'the server answered 502 Bad Gateway',
};
const unavailable = (retryAfterS?: number): DeliveryFailure => ({
  delivery: 'not-processed',
  failure: { kind: 'http', status: 503, message: 'Upstream http://s/mcp answered 503 Service Unavailable', retryAfterS },
  what: 'the server answered 503 Service Unavailable',
});

const call = (id: JsonRpcId, name: string, extra: Record<string, unknown> = {}): JsonRpcMessage => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: {}, ...extra },
});

/** The chain [recovery, transport stand-in] on fake time. */
function setup(opts: Partial<RecoveryOptions> = {}) {
  const clock = fakeClock();
  const sent: JsonRpcMessage[] = [];
  const delivered: ToClient[] = [];
  const renewals: number[] = [];
  const resumes: ResumePoint[] = [];
  const counts = { saved: 0, lost: 0 };
  const logs: string[] = [];
  let renew: () => Promise<void> = () => Promise.resolve();
  let link!: StageLink;
  const control: RecoveryControl = {
    renewSession: (generation) => {
      renewals.push(generation);
      return renew();
    },
    resume: (_request, from) => void resumes.push(from),
  };
  const transport: StageFactory = (l) => {
    link = l;
    return { fromClient: (m) => void sent.push(...messagesOf(m).filter(isRequest)) };
  };
  const options: RecoveryOptions = {
    budgetMs: 15_000,
    budget: new RetryBudget(),
    hints: new ToolHints(),
    clock,
    random: () => 0.5,
    onSaved: () => counts.saved++,
    onLost: () => counts.lost++,
    log: (_level, message) => logs.push(message),
    ...opts,
  };
  const path = linkStages([recovery(options, () => control), transport], (m) => delivered.push(m));
  return {
    clock,
    sent,
    delivered,
    renewals,
    resumes,
    counts,
    logs,
    options,
    path,
    setRenew: (fn: () => Promise<void>) => (renew = fn),
    send: (m: JsonRpcMessage) => path.fromClient({ message: m, size: JSON.stringify(m).length }),
    /** The transport fails the attempt of request `id`, as it does: an error answer with what happened. */
    fail: (id: JsonRpcId, f: DeliveryFailure, code = -32011) => link.toClient({ ...answer(id, code, `${f.failure.message}.`), failure: f }),
    ok: (id: JsonRpcId, result: Record<string, unknown> = {}) => link.toClient({ message: resultResponse(id, result) }),
    answers: () => delivered.filter((m) => m.message.id !== undefined).map((m) => m.message),
  };
}

describe('the retry policy', () => {
  it('knows the methods that change nothing, and tools by their own annotations', () => {
    for (const m of ['initialize', 'ping', 'tools/list', 'resources/read', 'prompts/get', 'completion/complete', 'server/discover']) {
      expect(SIDE_EFFECT_FREE_METHODS.has(m)).toBe(true);
    }
    const hints = new ToolHints();
    hints.learn([
      { name: 'read', annotations: { readOnlyHint: true } },
      { name: 'put', annotations: { idempotentHint: true } },
      { name: 'delete', annotations: { destructiveHint: true } },
      { name: 'plain' },
      null,
      { name: 7 },
    ]);
    expect(['read', 'put', 'delete', 'plain', 'unlisted'].map((n) => isRepeatable(call(1, n), hints))).toEqual([true, true, false, false, false]);
    expect(isRepeatable({ jsonrpc: '2.0', id: 1, method: 'sampling/createMessage' }, hints)).toBe(false);
    // A later listing that drops the hint is believed too.
    hints.learn([{ name: 'read', annotations: { readOnlyHint: false } }]);
    expect(isRepeatable(call(1, 'read'), hints)).toBe(false);
  });

  it('backs off exponentially up to a cap, with half the wait random', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, () => 0))).toEqual([100, 200, 400, 800, 1500, 1500]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, () => 1))).toEqual([200, 400, 800, 1600, DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.maxMs]);
  });

  it('gives a definite answer on as it is, and never repeats a plain tool whose outcome is unknown', () => {
    const h = { attempts: 1, started: 0, deadline: 15_000, seen: new Map([['x', 1]]) };
    const fiveHundred: DeliveryFailure = { ...badGateway, delivery: 'processed' };
    expect(plan(h, fiveHundred, call(1, 'echo'), true, 0, () => 0.5)).toEqual({ kind: 'give-up' });
    const p = plan(h, badGateway, call(1, 'echo'), false, 0, () => 0.5);
    expect(p).toEqual({ kind: 'give-up', sentence: expect.stringMatching(/^sent, outcome unknown: "echo" is not marked read-only or idempotent/) });
    expect(plan(h, badGateway, call(1, 'echo'), true, 0, () => 0.5)).toMatchObject({ kind: 'retry' });
  });
});

describe('the recovery stage', () => {
  it('retries a request that was never sent, with backoff, until it is answered once under its own id', async () => {
    const s = setup();
    await s.send(call(7, 'echo'));
    expect(s.sent).toHaveLength(1);
    s.fail(7, refused);
    expect(s.answers()).toEqual([]); // withheld: it will be retried
    s.clock.advance(149);
    expect(s.sent).toHaveLength(1);
    s.clock.advance(1); // 100 + 0.5 × 100
    expect(s.sent).toHaveLength(2);
    expect(s.sent[1]).toEqual(call(7, 'echo'));
    s.fail(7, refused);
    s.clock.advance(300); // 200 + 0.5 × 200
    expect(s.sent).toHaveLength(3);
    s.ok(7, { content: [] });
    expect(s.answers()).toEqual([resultResponse(7, { content: [] })]);
    expect(s.counts).toEqual({ saved: 1, lost: 0 });
    expect(s.logs[0]).toBe('tools/call "echo" (id 7): the server refused the connection; retrying in 0.2 s after a backoff, attempt 2');
    expect(s.logs.at(-1)).toBe('tools/call "echo" (id 7): answered after 3 attempts over 0.5 s (saved by a retry)');
  });

  it('keeps retrying until the request budget is spent, then says what happened; never before', async () => {
    const s = setup({ budgetMs: 5000 });
    await s.send(call(1, 'echo'));
    let attempts = 0;
    while (s.clock.now() < 5000) {
      if (s.sent.length > attempts) {
        attempts = s.sent.length;
        s.fail(1, refused);
      }
      expect(s.answers()).toEqual([]);
      s.clock.advance(10);
    }
    // The last attempt went out when the budget ended; its failure ends the call.
    expect(s.sent.length).toBeGreaterThan(attempts - 1);
    s.fail(1, refused);
    const [a] = s.answers();
    expect(a!.error.code).toBe(-32011);
    expect(a!.error.message).toBe(
      `Cannot reach upstream http://s/mcp: connection refused (ECONNREFUSED); not sent: the server refused the connection ${s.sent.length} times over 5 s.`,
    );
    expect(s.counts).toEqual({ saved: 0, lost: 1 });
    expect(s.logs.at(-1)).toBe(`tools/call "echo" (id 1): gave up after ${s.sent.length} attempts: ${a!.error.message}`);
    expect(s.clock.pending()).toBe(0);
  });

  it("waits a server's Retry-After, and gives up at once when it is past the budget", async () => {
    const s = setup();
    await s.send(call(1, 'echo'));
    s.fail(1, unavailable(2), -32010);
    s.clock.advance(1999);
    expect(s.sent).toHaveLength(1);
    s.clock.advance(1);
    expect(s.sent).toHaveLength(2);
    s.fail(1, unavailable(120), -32010);
    const [a] = s.answers();
    expect(a!.error).toMatchObject({ code: -32010 });
    expect(a!.error.message).toMatch(/; not processed: the server asks to retry after 120 s, more than this call's retry budget allows\.$/);
  });

  it('answers a plain tool whose outcome is unknown at once; repeats a tool the server marked read-only', async () => {
    const s = setup();
    await s.send({ jsonrpc: '2.0', id: 'l', method: 'tools/list' });
    s.ok('l', { tools: [{ name: 'lookup', annotations: { readOnlyHint: true } }, { name: 'pay' }] });
    await s.send(call(1, 'pay'));
    s.fail(1, badGateway, -32010);
    expect(s.answers().at(-1)!.error.message).toBe(
      'Upstream http://s/mcp answered 502 Bad Gateway; sent, outcome unknown: "pay" is not marked read-only or idempotent by the server, so MCP Switchboard did not run it again. Retry the request only if running it twice is safe.',
    );
    await s.send(call(2, 'lookup'));
    s.fail(2, badGateway, -32010);
    s.clock.advance(150);
    expect(s.sent.filter((m) => m.id === 2)).toHaveLength(2);
    expect(s.sent.filter((m) => m.id === 1)).toHaveLength(1); // never twice
  });

  it('after a lost session: one renewal asked for per request, each request sent again once it is done', async () => {
    const s = setup();
    let done!: () => void;
    const renewed = new Promise<void>((r) => (done = r));
    s.setRenew(() => renewed);
    const lost: DeliveryFailure = {
      ...unavailable(),
      failure: { kind: 'http', status: 404, message: 'Upstream answered 404' },
      what: 'the server no longer knew the session',
      lostSession: 3,
    };
    for (const id of [1, 2, 3]) await s.send(call(id, 'echo'));
    for (const id of [1, 2, 3]) s.fail(id, lost, -32010);
    s.clock.advance(0);
    expect(s.renewals).toEqual([3, 3, 3]); // the transport makes one session for all of them
    expect(s.sent).toHaveLength(3); // nothing goes before the new session is there
    done();
    await new Promise((r) => setImmediate(r));
    expect(s.sent.map((m) => m.id)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('resumes a cut stream from where it broke (any method), and tells a progress token it waits', async () => {
    const s = setup();
    await s.send(call(1, 'pay', { _meta: { progressToken: 'tok' } }));
    const from = { lastEventId: 'ev-4', sessionId: 's1', retryMs: 250 };
    s.fail(
      1,
      {
        ...badGateway,
        failure: { kind: 'protocol', message: 'Upstream http://s/mcp: the event stream was cut' },
        what: 'the event stream was cut',
        resumeFrom: from,
      },
      -32013,
    );
    expect(s.delivered.map((m) => m.message)).toEqual([
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'tok', progress: 1, message: 'waiting for the server (attempt 2)' } },
    ]);
    s.clock.advance(249);
    expect(s.resumes).toEqual([]);
    s.clock.advance(1);
    expect(s.resumes).toEqual([from]);
    expect(s.sent).toHaveLength(1); // resumed, not sent again
    s.ok(1);
    expect(s.counts.saved).toBe(1);
  });

  it("holds retries to the server's retry budget: the others wait their turn", async () => {
    const budget = new RetryBudget(0.2, 1);
    const s = setup({ budget });
    for (const id of [1, 2, 3]) await s.send(call(id, 'echo'));
    for (const id of [1, 2, 3]) s.fail(id, refused);
    s.clock.advance(150);
    expect(s.sent.map((m) => m.id)).toEqual([1, 2, 3, 1]); // one retry in flight at a time
    expect(budget.retriesInFlight).toBe(1);
    s.ok(1);
    expect(budget.retriesInFlight).toBe(0);
    s.clock.advance(300);
    expect(s.sent.map((m) => m.id)).toEqual([1, 2, 3, 1, 2]);
  });

  it('a request the retry budget kept waiting ends with its budget, saying why', async () => {
    const s = setup({ budget: new RetryBudget(0.2, 1), budgetMs: 1000 });
    await s.send(call(1, 'echo'));
    await s.send(call(2, 'echo'));
    s.fail(1, refused);
    s.fail(2, refused);
    s.clock.advance(150);
    expect(s.sent.map((m) => m.id)).toEqual([1, 2, 1]); // 1 holds the one slot and gets no outcome yet
    s.clock.advance(1000);
    expect(s.answers().map((a) => [a.id, a.error.message])).toEqual([
      [2, 'Cannot reach upstream http://s/mcp: connection refused (ECONNREFUSED); not retried: too many calls to this server were being retried at once.'],
    ]);
    s.fail(1, refused);
    expect(s.answers().at(-1)!.error.message).toBe(
      'Cannot reach upstream http://s/mcp: connection refused (ECONNREFUSED); not sent: the server refused the connection twice over 1.2 s.',
    );
  });

  it('forgets a request cancelled while it waits (by the client, or by the time limit: then it is lost)', async () => {
    const s = setup();
    await s.send(call(1, 'echo'));
    await s.send(call(2, 'echo'));
    s.fail(1, refused);
    s.fail(2, refused);
    await s.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } });
    await s.path.fromClient({ message: { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 2 } }, size: 1, synthetic: true });
    s.clock.advance(10_000);
    expect(s.sent.map((m) => m.id)).toEqual([1, 2]);
    expect(s.counts).toEqual({ saved: 0, lost: 1 });
    expect(s.clock.pending()).toBe(0);
  });

  it('stops every timer when the connection closes', async () => {
    const s = setup();
    await s.send(call(1, 'echo'));
    s.fail(1, refused);
    expect(s.clock.pending()).toBe(1);
    await s.path.close();
    expect(s.clock.pending()).toBe(0);
    expect(s.options.budget.retriesInFlight).toBe(0);
  });
});
