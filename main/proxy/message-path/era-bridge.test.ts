/**
 * The protocol-era bridge stage on its own, with a test stage standing in for the transport: what
 * it sends the server and the client for each message, in both directions. The real thing, with
 * real SDK clients and servers of both eras, is the interop matrix (test/interop.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolEra, ProtocolInUse } from '../../../common/protocol-versions';
import { resultResponse, type JsonRpcMessage } from '../../shared/mcp-http';
import { linkStages } from './chain';
import { eraBridge } from './era-bridge';
import { MAX_INPUT_ROUNDS } from './legacy-client-bridge';
import { messagesOf, type StageFactory, type StageLink, type ToServer } from './stage';

const PV = 'io.modelcontextprotocol/protocolVersion';
const CI = 'io.modelcontextprotocol/clientInfo';
const CC = 'io.modelcontextprotocol/clientCapabilities';
const LL = 'io.modelcontextprotocol/logLevel';
const SUB = 'io.modelcontextprotocol/subscriptionId';
const tick = () => new Promise((r) => setImmediate(r));
const req = (id: number | string, method: string, params: Record<string, unknown> = {}): JsonRpcMessage => ({ jsonrpc: '2.0', id, method, params });
const note = (method: string, params: Record<string, unknown> = {}): JsonRpcMessage => ({ jsonrpc: '2.0', method, params });
const modern = (meta: Record<string, unknown> = {}) => ({
  [PV]: '2026-07-28',
  [CI]: { name: 'm', version: '2' },
  [CC]: { elicitation: { form: {} } },
  ...meta,
});

function harness(era: ProtocolEra | undefined) {
  const received: ToServer[] = [];
  let link!: StageLink;
  const server: StageFactory = (l) => {
    link = l;
    return { fromClient: (m) => void received.push(m) };
  };
  const delivered: JsonRpcMessage[] = [];
  const protocols: ProtocolInUse[] = [];
  const bridge = eraBridge({ serverName: 'Fixture', upstreamEra: async () => era, onProtocol: (p) => protocols.push(p), timeoutMs: 5000 });
  const path = linkStages([bridge, server], (m) => delivered.push(m.message));
  return {
    path,
    delivered,
    protocols,
    /** Everything the server got, one message each. */
    sent: () => received.flatMap(messagesOf),
    last: () => received.flatMap(messagesOf).at(-1)!,
    send: (message: JsonRpcMessage, text?: string) => path.fromClient({ message, size: JSON.stringify(message).length, text }),
    reply: (message: JsonRpcMessage) => link.toClient({ message }),
  };
}

describe('era bridge: who speaks what', () => {
  it('passes messages unchanged, the client bytes too, when both speak the same era', async () => {
    const h = harness('legacy');
    const init = req(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } });
    await h.send(init, JSON.stringify(init));
    expect(h.sent()).toEqual([init]);
    h.reply(resultResponse(1, { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } }));
    expect(h.protocols).toEqual([{ server: '2025-06-18', client: '2025-06-18', bridged: false }]);
  });

  it('passes them unchanged when the server era is not known yet', async () => {
    const h = harness(undefined);
    await h.send(req(1, 'server/discover', { _meta: modern() }));
    expect(h.sent().map((m) => m.method)).toEqual(['server/discover']);
    expect(h.protocols).toEqual([]);
  });
});

describe('era bridge: a 2025 client, a 2026-07-28 server', () => {
  async function initialized(opts: { caps?: Record<string, unknown>; serverCaps?: Record<string, unknown> } = {}) {
    const h = harness('modern');
    const init = req(0, 'initialize', {
      protocolVersion: '2025-06-18',
      capabilities: opts.caps ?? { elicitation: {} },
      clientInfo: { name: 'old', version: '1' },
    });
    const p = h.send(init);
    await tick();
    const discover = h.last();
    expect(discover.method).toBe('server/discover');
    const caps = opts.caps ? {} : { elicitation: { form: {} } }; // `elicitation: {}` of 2025 is form mode
    expect(discover.params._meta).toEqual({ [PV]: '2026-07-28', [CI]: { name: 'old', version: '1' }, [CC]: caps });
    h.reply(
      resultResponse(discover.id, {
        resultType: 'complete',
        supportedVersions: ['2026-07-28'],
        capabilities: opts.serverCaps ?? { tools: { listChanged: true }, logging: {} },
        instructions: 'Be kind',
        _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'new-server', version: '3' } },
      }),
    );
    await p;
    await h.send(note('notifications/initialized'));
    return h;
  }

  it("answers initialize from server/discover, in the client's revision", async () => {
    const h = await initialized();
    expect(h.delivered[0]).toEqual(
      resultResponse(0, {
        protocolVersion: '2025-06-18',
        capabilities: { tools: { listChanged: true }, logging: {} },
        serverInfo: { name: 'new-server', version: '3' },
        instructions: 'Be kind',
      }),
    );
    expect(h.protocols).toEqual([{ server: '2026-07-28', client: '2025-06-18', bridged: true }]);
  });

  it('answers ping and logging/setLevel itself; requests carry the envelope, the level and their own _meta', async () => {
    const h = await initialized();
    await h.send(req(1, 'ping'));
    await h.send(req(2, 'logging/setLevel', { level: 'warning' }));
    expect(h.delivered.slice(1)).toEqual([resultResponse(1, {}), resultResponse(2, {})]);
    await h.send(req(3, 'tools/call', { name: 'echo', arguments: { text: 'hi' }, _meta: { progressToken: 7 } }));
    const call = h.last();
    expect(call).toMatchObject({ id: 3, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } });
    expect(call.params._meta).toMatchObject({ progressToken: 7, [PV]: '2026-07-28', [LL]: 'warning' });
    h.reply(resultResponse(3, { resultType: 'complete', content: [{ type: 'text', text: 'hi' }] }));
    expect(h.delivered.at(-1)).toEqual(resultResponse(3, { content: [{ type: 'text', text: 'hi' }] }));
  });

  it('turns list changes into one subscriptions/listen stream, without the subscription id toward the client', async () => {
    const h = await initialized();
    const listen = h.sent().find((m) => m.method === 'subscriptions/listen')!;
    expect(listen.params.notifications).toEqual({ toolsListChanged: true });
    h.reply(note('notifications/subscriptions/acknowledged', { _meta: { [SUB]: listen.id }, notifications: { toolsListChanged: true } }));
    h.reply(note('notifications/tools/list_changed', { _meta: { [SUB]: listen.id } }));
    expect(h.delivered.at(-1)).toEqual(note('notifications/tools/list_changed'));
    // A resource subscription (the server offers them) replaces the stream with a wider one.
    const h2 = await initialized({ serverCaps: { resources: { subscribe: true } } });
    await h2.send(req(5, 'resources/subscribe', { uri: 'x://a' }));
    const listens = h2.sent().filter((m) => m.method === 'subscriptions/listen');
    expect(listens.at(-1)!.params.notifications).toEqual({ resourceSubscriptions: ['x://a'] });
    expect(h2.sent().some((m) => m.method === 'notifications/cancelled')).toBe(false); // nothing open before
  });

  it('turns input_required into elicitation requests to the client and retries with the answers and requestState', async () => {
    const h = await initialized();
    await h.send(req(9, 'tools/call', { name: 'deploy' }));
    h.reply(
      resultResponse(9, {
        resultType: 'input_required',
        inputRequests: {
          confirm: { method: 'elicitation/create', params: { message: 'Sure?', requestedSchema: { type: 'object', properties: {} } } },
        },
        requestState: 'opaque-1',
      }),
    );
    const ask = h.delivered.at(-1)!;
    expect(ask).toMatchObject({ method: 'elicitation/create', params: { message: 'Sure?' } });
    await h.send({ jsonrpc: '2.0', id: ask.id, result: { action: 'accept', content: {} } });
    await tick();
    const retry = h.last();
    expect(retry).toMatchObject({
      method: 'tools/call',
      params: { name: 'deploy', inputResponses: { confirm: { action: 'accept', content: {} } }, requestState: 'opaque-1' },
    });
    expect(retry.id).not.toBe(9);
    expect(retry.params._meta[PV]).toBe('2026-07-28');
    // A cancellation now names the retry upstream.
    await h.send(note('notifications/cancelled', { requestId: 9 }));
    expect(h.last()).toEqual(note('notifications/cancelled', { requestId: retry.id }));
  });

  it('fails a request whose input the client cannot give, and stops after a bounded number of rounds', async () => {
    const h = await initialized({ caps: {} });
    await h.send(req(4, 'tools/call', { name: 'deploy' }));
    h.reply(
      resultResponse(4, { resultType: 'input_required', inputRequests: { x: { method: 'sampling/createMessage', params: { messages: [], maxTokens: 5 } } } }),
    );
    expect(h.delivered.at(-1)).toMatchObject({ id: 4, result: { isError: true } });
    expect(JSON.stringify(h.delivered.at(-1))).toContain('sampling');

    const h2 = await initialized();
    await h2.send(req(5, 'prompts/get', { name: 'p' }));
    const elicit = { method: 'elicitation/create', params: { message: 'Again?', requestedSchema: { type: 'object', properties: {} } } };
    for (let round = 1; round <= MAX_INPUT_ROUNDS + 1; round++) {
      h2.reply(resultResponse(h2.last().id, { resultType: 'input_required', inputRequests: { again: elicit }, requestState: `s${round}` }));
      const ask = h2.delivered.at(-1)!;
      if (ask.method) await h2.send({ jsonrpc: '2.0', id: ask.id, result: { action: 'accept', content: {} } });
      await tick();
    }
    expect(h2.delivered.at(-1)).toMatchObject({ id: 5, error: { message: expect.stringContaining(`${MAX_INPUT_ROUNDS} rounds`) } });
    expect(h2.sent().filter((m) => m.method === 'prompts/get')).toHaveLength(MAX_INPUT_ROUNDS + 1); // the request and a retry per round
  });
});

describe('era bridge: a 2026-07-28 client, a 2025 server', () => {
  async function opened() {
    const h = harness('legacy');
    const p = h.send(req(1, 'server/discover', { _meta: modern() }));
    const q = h.send(req(2, 'tools/list', { _meta: modern() }));
    await tick();
    const init = h.last();
    expect(init).toMatchObject({
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: { elicitation: { form: {} } }, clientInfo: { name: 'm', version: '2' } },
    });
    h.reply(
      resultResponse(init.id, {
        protocolVersion: '2025-11-25',
        capabilities: { tools: { listChanged: true }, logging: {}, resources: { subscribe: true } },
        serverInfo: { name: 'old-server', version: '1' },
      }),
    );
    await Promise.all([p, q]);
    return h;
  }

  it('answers server/discover from one initialize; requests lose the envelope, results gain resultType and cache hints', async () => {
    const h = await opened();
    expect(h.sent().map((m) => m.method)).toEqual(['initialize', 'notifications/initialized', 'tools/list']);
    expect(h.delivered[0]).toEqual(
      resultResponse(1, {
        resultType: 'complete',
        supportedVersions: ['2026-07-28'],
        capabilities: { tools: { listChanged: true }, logging: {}, resources: { subscribe: true } },
        ttlMs: 0,
        cacheScope: 'private',
        _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'old-server', version: '1' } },
      }),
    );
    expect(h.last().params).toEqual({});
    h.reply(resultResponse(2, { tools: [] }));
    expect(h.delivered.at(-1)).toEqual(resultResponse(2, { tools: [], resultType: 'complete', ttlMs: 0, cacheScope: 'private' }));
    expect(h.protocols).toEqual([{ server: '2025-11-25', client: '2026-07-28', bridged: true }]);
  });

  it('refuses a revision it does not serve with -32022', async () => {
    const h = harness('legacy');
    await h.send(req(1, 'server/discover', { _meta: modern({ [PV]: '2027-01-01' }) }));
    expect(h.delivered[0]).toMatchObject({ id: 1, error: { code: -32022, data: { supported: ['2026-07-28'], requested: '2027-01-01' } } });
    expect(h.sent()).toEqual([]);
  });

  it("turns the server's elicitation during a call into input_required, and the retry's answer back into the response", async () => {
    const h = await opened();
    await h.send(req(3, 'tools/call', { name: 'ask', _meta: modern({ progressToken: 'p' }) }));
    expect(h.last().params._meta).toEqual({ progressToken: 'p' });
    h.reply(req('s1', 'ping'));
    expect(h.last()).toEqual(resultResponse('s1', {})); // the server's ping, answered here
    h.reply(req('s2', 'elicitation/create', { message: 'Name?', requestedSchema: { type: 'object', properties: {} } }));
    await tick();
    const input = h.delivered.at(-1)!;
    expect(input).toMatchObject({ id: 3, result: { resultType: 'input_required' } });
    const [key, embedded] = Object.entries<any>(input.result.inputRequests)[0]!;
    expect(embedded).toEqual({ method: 'elicitation/create', params: { message: 'Name?', requestedSchema: { type: 'object', properties: {} } } });
    await h.send(
      req(4, 'tools/call', {
        name: 'ask',
        inputResponses: { [key]: { action: 'accept', content: { name: 'Ada' } } },
        requestState: input.result.requestState,
        _meta: modern(),
      }),
    );
    expect(h.last()).toEqual(resultResponse('s2', { action: 'accept', content: { name: 'Ada' } }));
    h.reply(resultResponse(3, { content: [{ type: 'text', text: 'Ada' }] }));
    expect(h.delivered.at(-1)).toEqual(resultResponse(4, { content: [{ type: 'text', text: 'Ada' }], resultType: 'complete' }));
    // The state is spent: a second retry with it is refused.
    await h.send(req(5, 'tools/call', { name: 'ask', requestState: input.result.requestState, _meta: modern() }));
    expect(h.delivered.at(-1)).toMatchObject({ id: 5, error: { code: -32602 } });
  });

  it('answers subscriptions/listen here: acknowledged, resources subscribed upstream, notifications tagged', async () => {
    const h = await opened();
    const p = h.send(
      req('listen:1', 'subscriptions/listen', {
        notifications: { toolsListChanged: true, promptsListChanged: true, resourceSubscriptions: ['x://a'] },
        _meta: modern(),
      }),
    );
    await tick();
    const sub = h.last();
    expect(sub).toMatchObject({ method: 'resources/subscribe', params: { uri: 'x://a' } });
    h.reply(resultResponse(sub.id, {}));
    await p;
    expect(h.delivered.at(-1)).toEqual(
      note('notifications/subscriptions/acknowledged', {
        notifications: { toolsListChanged: true, resourceSubscriptions: ['x://a'] },
        _meta: { [SUB]: 'listen:1' },
      }),
    );
    h.reply(note('notifications/tools/list_changed'));
    expect(h.delivered.at(-1)).toEqual(note('notifications/tools/list_changed', { _meta: { [SUB]: 'listen:1' } }));
    h.reply(note('notifications/prompts/list_changed')); // the server does not offer it: nobody listens
    h.reply(note('notifications/message', { level: 'info', data: 'x' })); // the client asked for no logs
    expect(h.delivered.at(-1)!.method).toBe('notifications/tools/list_changed');
    await h.send(note('notifications/cancelled', { requestId: 'listen:1' }));
    expect(h.last()).toMatchObject({ method: 'resources/unsubscribe', params: { uri: 'x://a' } });
  });

  it("sets the envelope's log level upstream once, and then passes log messages", async () => {
    const h = await opened();
    const p = h.send(req(6, 'tools/list', { _meta: modern({ [LL]: 'debug' }) }));
    await tick();
    const set = h.last();
    expect(set).toMatchObject({ method: 'logging/setLevel', params: { level: 'debug' } });
    h.reply(resultResponse(set.id, {}));
    await p;
    await h.send(req(7, 'tools/list', { _meta: modern({ [LL]: 'debug' }) }));
    expect(h.sent().filter((m) => m.method === 'logging/setLevel')).toHaveLength(1);
    h.reply(note('notifications/message', { level: 'info', data: 'x' }));
    expect(h.delivered.at(-1)).toEqual(note('notifications/message', { level: 'info', data: 'x' }));
  });

  it('answers the request with the refusal when initialize fails, and tries again with the next one', async () => {
    const h = harness('legacy');
    const p = h.send(req(1, 'tools/list', { _meta: modern() }));
    await tick();
    h.reply({ jsonrpc: '2.0', id: h.last().id, error: { code: -32603, message: 'down' } });
    await p;
    expect(h.delivered[0]).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'down' } });
    void h.send(req(2, 'tools/list', { _meta: modern() }));
    await tick();
    expect(h.sent().filter((m) => m.method === 'initialize')).toHaveLength(2);
  });
});
