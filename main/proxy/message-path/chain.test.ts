/**
 * The message path's stage chain, with stages written here for the purpose: a recorder, a stage
 * that answers, one that transforms, and the two shapes later issues will add (a bridge that
 * answers `initialize` from `server/discover`, a policy that withholds a tool). The server end is a
 * test stage standing in for the transport (the real one is tested end to end in test/).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isRequest, isResponse, resultResponse, type JsonRpcMessage } from '../../shared/mcp-http';
import { linkStages } from './chain';
import { paramHeaders } from './param-headers-stage';
import { requestLedger, type LedgerEvents } from './request-ledger';
import { answer, messagesOf, replaceMessage, textOf, type StageFactory, type StageLink, type ToClient, type ToServer } from './stage';

const req = (id: number | string, method: string, params: Record<string, unknown> = {}): JsonRpcMessage => ({ jsonrpc: '2.0', id, method, params });
const toServer = (message: JsonRpcMessage | JsonRpcMessage[], text?: string): ToServer => ({ message, size: JSON.stringify(message).length, text });

/** The server end: records what reaches it; `reply` sends a message back up the chain. */
function fakeServer() {
  const received: ToServer[] = [];
  let link!: StageLink;
  const factory: StageFactory = (l) => {
    link = l;
    return { fromClient: (m) => void received.push(m) };
  };
  return { factory, received, reply: (message: JsonRpcMessage) => link.toClient({ message }) };
}

/** Records what passes it, in both directions, under its name. */
function recorder(name: string, trail: string[]): StageFactory {
  return (link) => ({
    fromClient: (m) => {
      trail.push(`${name}→ ${messagesOf(m)[0]!.method ?? 'response'}`);
      return link.toServer(m);
    },
    fromServer: (m) => {
      trail.push(`${name}← ${m.message.method ?? `answer ${m.message.id}`}`);
      link.toClient(m);
    },
    close: () => void trail.push(`${name} closed`),
  });
}

describe('linkStages', () => {
  it('passes client messages through the stages in order and server messages in reverse', async () => {
    const trail: string[] = [];
    const server = fakeServer();
    const delivered: ToClient[] = [];
    const path = linkStages([recorder('a', trail), recorder('b', trail), server.factory], (m) => delivered.push(m));
    await path.fromClient(toServer(req(1, 'tools/list')));
    server.reply(resultResponse(1, { tools: [] }));
    expect(trail).toEqual(['a→ tools/list', 'b→ tools/list', 'b← answer 1', 'a← answer 1']);
    expect(server.received).toHaveLength(1);
    expect(delivered.map((m) => m.message)).toEqual([resultResponse(1, { tools: [] })]);
    await path.close();
    expect(trail.slice(-2)).toEqual(['a closed', 'b closed']); // client side first
    await path.fromClient(toServer(req(2, 'ping')));
    server.reply(resultResponse(2, {}));
    expect(server.received).toHaveLength(1); // nothing moves after close
    expect(delivered).toHaveLength(1);
  });

  it('a stage that answers: the answer goes back through the stages before it only; nothing goes on', async () => {
    const trail: string[] = [];
    const server = fakeServer();
    const delivered: ToClient[] = [];
    const pong: StageFactory = (link) => ({
      fromClient: (m) => {
        const msg = m.message as JsonRpcMessage;
        if (msg.method === 'ping') return link.toClient({ message: resultResponse(msg.id, {}) });
        return link.toServer(m);
      },
    });
    const path = linkStages([recorder('before', trail), pong, recorder('after', trail), server.factory], (m) => delivered.push(m));
    await path.fromClient(toServer(req(7, 'ping')));
    expect(trail).toEqual(['before→ ping', 'before← answer 7']);
    expect(server.received).toEqual([]);
    expect(delivered.map((m) => textOf(m))).toEqual(['{"jsonrpc":"2.0","id":7,"result":{}}']);
  });

  it('a stage that transforms: later stages and the client see the new message; the client bytes are dropped', async () => {
    const server = fakeServer();
    const delivered: ToClient[] = [];
    const rename: StageFactory = (link) => ({
      fromClient: (m) => link.toServer(replaceMessage(m, { ...(m.message as JsonRpcMessage), params: { renamed: true } })),
      fromServer: (m) => link.toClient({ message: { ...m.message, result: { ...m.message.result, seen: 'rename' } } }),
    });
    const path = linkStages([rename, server.factory], (m) => delivered.push(m));
    const original = req(1, 'tools/call');
    await path.fromClient(toServer(original, JSON.stringify(original)));
    expect(server.received[0]).toMatchObject({ message: { params: { renamed: true } }, text: undefined });
    server.reply({ result: {}, id: 1, jsonrpc: '2.0' });
    // Responses reach the client with "jsonrpc" and "id" first.
    expect(textOf(delivered[0]!)).toBe('{"jsonrpc":"2.0","id":1,"result":{"seen":"rename"}}');
  });

  it('fits a protocol-era bridge: initialize answered from server/discover, asked by the stage itself', async () => {
    const server = fakeServer();
    const delivered: ToClient[] = [];
    const bridge: StageFactory = (link) => {
      const waiting = new Map<string, JsonRpcMessage>();
      return {
        fromClient: (m) => {
          const msg = m.message as JsonRpcMessage;
          if (msg.method !== 'initialize') return link.toServer(m);
          const own = `bridge-${msg.id}`;
          waiting.set(own, msg);
          return link.toServer({ message: req(own, 'server/discover'), size: 0, synthetic: true });
        },
        fromServer: (m) => {
          const init = waiting.get(m.message.id);
          if (!init) return link.toClient(m);
          waiting.delete(m.message.id);
          const info = m.message.result.serverInfo;
          link.toClient({ message: resultResponse(init.id, { protocolVersion: init.params.protocolVersion, serverInfo: info, capabilities: {} }) });
        },
      };
    };
    const path = linkStages([bridge, server.factory], (m) => delivered.push(m));
    await path.fromClient(toServer(req(1, 'initialize', { protocolVersion: '2025-11-25' })));
    expect(server.received.map((m) => (m.message as JsonRpcMessage).method)).toEqual(['server/discover']);
    server.reply(resultResponse('bridge-1', { supportedVersions: ['2026-07-28'], serverInfo: { name: 's', version: '1' } }));
    expect(delivered.map((m) => m.message)).toEqual([
      resultResponse(1, { protocolVersion: '2025-11-25', serverInfo: { name: 's', version: '1' }, capabilities: {} }),
    ]);
  });

  it('fits a tool policy: a tool withheld from tools/list, and refused when called', async () => {
    const server = fakeServer();
    const delivered: ToClient[] = [];
    const policy: StageFactory = (link) => ({
      fromClient: (m) => {
        const msg = m.message as JsonRpcMessage;
        if (isRequest(msg) && msg.method === 'tools/call' && msg.params.name === 'delete-all')
          return link.toClient(answer(msg.id, -32602, 'Tool "delete-all" is not available'));
        return link.toServer(m);
      },
      fromServer: (m) => {
        const tools = m.message.result?.tools as JsonRpcMessage[] | undefined;
        if (!isResponse(m.message) || !tools) return link.toClient(m);
        link.toClient({ message: { ...m.message, result: { ...m.message.result, tools: tools.filter((t) => t.name !== 'delete-all') } } });
      },
    });
    const path = linkStages([policy, server.factory], (m) => delivered.push(m));
    await path.fromClient(toServer(req(1, 'tools/list')));
    server.reply(resultResponse(1, { tools: [{ name: 'read' }, { name: 'delete-all' }] }));
    await path.fromClient(toServer(req(2, 'tools/call', { name: 'delete-all' })));
    expect(server.received).toHaveLength(1);
    expect(delivered.map((m) => m.message)).toEqual([
      resultResponse(1, { tools: [{ name: 'read' }] }),
      { jsonrpc: '2.0', id: 2, error: { code: -32602, message: 'Tool "delete-all" is not available', data: { source: 'mcp-switchboard' } } },
    ]);
  });

  it('resolves fromClient when the stage at the end is done with the message', async () => {
    let finish!: () => void;
    const slow: StageFactory = () => ({ fromClient: () => new Promise<void>((r) => (finish = r)) });
    const path = linkStages([recorder('a', []), slow], () => {});
    let done = false;
    const p = path.fromClient(toServer(req(1, 'x'))).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    finish();
    await p;
    expect(done).toBe(true);
  });
});

describe('requestLedger', () => {
  afterEach(() => vi.useRealTimers());

  function withLedger(timeoutMs = 60_000) {
    const events: string[] = [];
    const ev: LedgerEvents = {
      onRequest: (method, id) => events.push(`request ${method} ${id}`),
      onResponse: (method, id, _ms, _size, error) => events.push(`response ${method} ${id}${error ? ` (${error})` : ''}`),
      onNotification: (method, direction) => events.push(`${direction} ${method}`),
      log: (level, message) => events.push(`${level}: ${message}`),
    };
    const server = fakeServer();
    const delivered: JsonRpcMessage[] = [];
    const path = linkStages([requestLedger({ timeoutMs, where: () => 'http://up/mcp', events: ev }), server.factory], (m) => delivered.push(m.message));
    return { events, server, delivered, path };
  }

  it('reports each request and its one answer; a second answer to the same id is dropped', async () => {
    const { events, server, delivered, path } = withLedger();
    await path.fromClient(toServer(req(1, 'tools/list')));
    server.reply(resultResponse(1, { tools: [] }));
    server.reply(resultResponse(1, { tools: [] }));
    expect(delivered).toHaveLength(1);
    expect(events).toEqual(['request tools/list 1', 'response tools/list 1', 'debug: Dropped an answer to request 1 that was already answered or cancelled']);
    await path.close();
  });

  it('drops the answer to a request the client cancelled', async () => {
    const { server, delivered, path } = withLedger();
    await path.fromClient(toServer(req(1, 'tools/call')));
    await path.fromClient(toServer({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } }));
    server.reply(resultResponse(1, {}));
    expect(delivered).toEqual([]);
    await path.close();
  });

  it('answers a request past the time limit, tells the stages after it, and restarts the limit on progress', async () => {
    vi.useFakeTimers();
    const { events, server, delivered, path } = withLedger(1000);
    await path.fromClient(toServer(req(1, 'tools/call', { _meta: { progressToken: 'p' } })));
    vi.advanceTimersByTime(900);
    server.reply({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p', progress: 1 } });
    vi.advanceTimersByTime(900);
    expect(delivered).toHaveLength(1); // the progress notification only
    vi.advanceTimersByTime(200);
    expect(delivered[1]).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: -32014,
        message: 'Upstream http://up/mcp did not answer tools/call within 1 s; MCP Switchboard cancelled the request. Retry it later, or check the server.',
        data: { source: 'mcp-switchboard' },
      },
    });
    expect(server.received.at(-1)).toMatchObject({
      message: { method: 'notifications/cancelled', params: { requestId: 1 } },
      synthetic: true,
    });
    expect(events).toContain('response tools/call 1 (' + delivered[1]!.error.message + ')');
    server.reply(resultResponse(1, {})); // too late
    expect(delivered).toHaveLength(2);
    await path.close();
  });
});

describe('requestLedger and subscriptions', () => {
  it('gives a 2026-07-28 subscriptions/listen no time limit: it lasts as long as the client listens', async () => {
    vi.useFakeTimers();
    const server = { received: [] as ToServer[], link: undefined as StageLink | undefined };
    const delivered: JsonRpcMessage[] = [];
    const path = linkStages(
      [
        requestLedger({ timeoutMs: 1000, where: () => 'http://up/mcp', events: {} }),
        (l) => {
          server.link = l;
          return { fromClient: (m) => void server.received.push(m) };
        },
      ],
      (m) => delivered.push(m.message),
    );
    await path.fromClient(toServer(req('listen:1', 'subscriptions/listen', { notifications: { toolsListChanged: true } })));
    vi.advanceTimersByTime(60_000);
    expect(delivered).toEqual([]);
    expect(server.received).toHaveLength(1); // no cancellation either
    await path.close();
    vi.useRealTimers();
  });
});

describe('paramHeaders (SEP-2243)', () => {
  const modern = (id: number, method: string, params: Record<string, unknown> = {}) =>
    req(id, method, { ...params, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } });

  it('withholds a tool with an invalid declaration, refuses its call, and mirrors valid declarations into headers', async () => {
    const server = fakeServer();
    const delivered: JsonRpcMessage[] = [];
    const logs: string[] = [];
    const path = linkStages([paramHeaders((_l, m) => logs.push(m)), server.factory], (m) => delivered.push(m.message));
    await path.fromClient(toServer(modern(1, 'tools/list')));
    const good = { name: 'good', inputSchema: { type: 'object', properties: { region: { type: 'string', 'x-mcp-header': 'Region' } } } };
    const bad = { name: 'bad', inputSchema: { type: 'object', properties: { n: { type: 'number', 'x-mcp-header': 'N' } } } };
    server.reply(resultResponse(1, { tools: [good, bad] }));
    expect(delivered[0]!.result.tools.map((t: { name: string }) => t.name)).toEqual(['good']);
    expect(logs).toHaveLength(1);

    await path.fromClient(toServer(modern(2, 'tools/call', { name: 'bad', arguments: {} })));
    expect(delivered[1]).toMatchObject({ id: 2, error: { code: -32602, message: expect.stringMatching(/^Tool "bad" is not available/) } });

    await path.fromClient(toServer(modern(3, 'tools/call', { name: 'good', arguments: { region: 'eu' } })));
    expect(server.received.at(-1)!.headers).toEqual({ 'Mcp-Param-Region': 'eu' });
    await path.close();
  });

  it('leaves 2025-era lists alone', async () => {
    const server = fakeServer();
    const delivered: JsonRpcMessage[] = [];
    const path = linkStages([paramHeaders(), server.factory], (m) => delivered.push(m.message));
    await path.fromClient(toServer(req(1, 'tools/list')));
    const bad = { name: 'bad', inputSchema: { type: 'object', properties: { n: { type: 'number', 'x-mcp-header': 'N' } } } };
    server.reply(resultResponse(1, { tools: [bad] }));
    expect(delivered[0]!.result.tools).toEqual([bad]);
  });
});
