/**
 * The elicitation stand-in on its own, with a test stage for the transport and a recorded "user"
 * (the questions main would show, answered by the test): what it declares upstream, what it answers
 * itself, and what still reaches a client. End to end (real SDK clients without the capability,
 * real servers) it is in test/interop.test.ts; the window in e2e/elicitation.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ElicitationAnswer, ElicitationAsk } from '../../shared/fork-protocol';
import { resultResponse, type JsonRpcMessage } from '../../shared/mcp-http';
import { linkStages } from './chain';
import { elicitationStandIn, STAND_IN_ELICITATION } from './elicitation-stand-in';
import { messagesOf, type StageFactory, type StageLink, type ToServer } from './stage';

const CC = 'io.modelcontextprotocol/clientCapabilities';
const PV = 'io.modelcontextprotocol/protocolVersion';
const tick = () => new Promise((r) => setImmediate(r));
const req = (id: number | string, method: string, params: Record<string, unknown> = {}): JsonRpcMessage => ({ jsonrpc: '2.0', id, method, params });
const modern = (caps: Record<string, unknown> = {}) => ({ [PV]: '2026-07-28', [CC]: caps });
const form = (message: string) => ({
  method: 'elicitation/create',
  params: { message, requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } },
});

function harness(answers: ElicitationAnswer[] = [{ action: 'accept', content: { name: 'Ada' } }]) {
  const received: ToServer[] = [];
  let link!: StageLink;
  const server: StageFactory = (l) => {
    link = l;
    return { fromClient: (m) => void received.push(m) };
  };
  const asked: ElicitationAsk[] = [];
  const delivered: JsonRpcMessage[] = [];
  const standIn = elicitationStandIn({ ask: async (a) => (asked.push(a), answers.shift() ?? { action: 'cancel' }) });
  const path = linkStages([standIn, server], (m) => delivered.push(m.message));
  return {
    asked,
    delivered,
    sent: () => received.flatMap(messagesOf),
    last: () => received.flatMap(messagesOf).at(-1)!,
    send: (message: JsonRpcMessage) => path.fromClient({ message, size: 1 }),
    reply: (message: JsonRpcMessage) => link.toClient({ message }),
  };
}

describe('elicitation stand-in, 2025 session', () => {
  it("declares elicitation for a client without it and answers the server's questions from the window", async () => {
    const h = harness();
    await h.send(req(0, 'initialize', { protocolVersion: '2025-06-18', capabilities: { roots: {} }, clientInfo: { name: 'c', version: '1' } }));
    expect(h.last().params.capabilities).toEqual({ roots: {}, elicitation: STAND_IN_ELICITATION });
    h.reply(req('s1', 'elicitation/create', { message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } }));
    await tick();
    expect(h.asked).toEqual([{ mode: 'form', message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } }]);
    expect(h.last()).toEqual(resultResponse('s1', { action: 'accept', content: { name: 'Ada' } }));
    // URL mode: the page, and the completion notification the client never needs.
    h.reply(req('s2', 'elicitation/create', { mode: 'url', message: 'Sign in', url: 'https://auth.example.com/x', elicitationId: 'e1' }));
    await tick();
    expect(h.asked[1]).toEqual({ mode: 'url', message: 'Sign in', url: 'https://auth.example.com/x' });
    h.reply({ jsonrpc: '2.0', method: 'notifications/elicitation/complete', params: { elicitationId: 'e1' } });
    expect(h.delivered).toEqual([]);
  });

  it('leaves a client that declares elicitation alone: it gets the questions itself', async () => {
    const h = harness();
    const init = req(0, 'initialize', { protocolVersion: '2025-11-25', capabilities: { elicitation: { form: {} } }, clientInfo: { name: 'c', version: '1' } });
    await h.send(init);
    expect(h.last()).toEqual(init);
    h.reply(req('s1', 'elicitation/create', { message: 'Your name?' }));
    expect(h.delivered).toEqual([req('s1', 'elicitation/create', { message: 'Your name?' })]);
    expect(h.asked).toEqual([]);
  });
});

describe('elicitation stand-in, 2026-07-28', () => {
  it('declares the capability in the envelope, answers an input_required of elicitations and retries upstream itself', async () => {
    const h = harness();
    await h.send(req(7, 'tools/call', { name: 'deploy', _meta: modern({ sampling: {} }) }));
    expect(h.last().params._meta[CC]).toEqual({ sampling: {}, elicitation: STAND_IN_ELICITATION });
    h.reply(resultResponse(7, { resultType: 'input_required', inputRequests: { who: form('Name?') }, requestState: 'st-1' }));
    await tick();
    const retry = h.last();
    expect(retry).toMatchObject({
      method: 'tools/call',
      params: { name: 'deploy', inputResponses: { who: { action: 'accept', content: { name: 'Ada' } } }, requestState: 'st-1' },
    });
    expect(retry.id).not.toBe(7);
    expect(h.delivered).toEqual([]); // the client saw nothing of it
    h.reply(resultResponse(retry.id, { resultType: 'complete', content: [] }));
    expect(h.delivered).toEqual([resultResponse(7, { resultType: 'complete', content: [] })]);
  });

  it("passes what only the client can give, and adds the user's answers to the client's retry", async () => {
    const h = harness();
    await h.send(req(8, 'tools/call', { name: 'mixed', _meta: modern({ sampling: {} }) }));
    const sampling = { method: 'sampling/createMessage', params: { messages: [], maxTokens: 5 } };
    h.reply(resultResponse(8, { resultType: 'input_required', inputRequests: { who: form('Name?'), model: sampling } }));
    await tick();
    const toClient = h.delivered.at(-1)!;
    expect(toClient.result.inputRequests).toEqual({ model: sampling });
    const state = toClient.result.requestState as string;
    await h.send(
      req(9, 'tools/call', {
        name: 'mixed',
        inputResponses: { model: { role: 'assistant', content: { type: 'text', text: 'x' }, model: 'm' } },
        requestState: state,
        _meta: modern({ sampling: {} }),
      }),
    );
    const retry = h.last();
    expect(Object.keys(retry.params.inputResponses).sort()).toEqual(['model', 'who']);
    expect(retry.params.requestState).toBeUndefined(); // the server gave none: the proxy's own is not sent
  });

  it('maps a cancellation to its own retry, and leaves a client with the capability alone', async () => {
    const h = harness([]);
    await h.send(req(1, 'tools/call', { name: 'deploy', _meta: modern() }));
    h.reply(resultResponse(1, { resultType: 'input_required', inputRequests: { who: form('Name?') } }));
    await tick();
    const retry = h.last();
    expect(retry.params.inputResponses).toEqual({ who: { action: 'cancel' } }); // nobody answered
    await h.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } });
    expect(h.last()).toEqual({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: retry.id } });

    const own = harness();
    const call = req(2, 'tools/call', { name: 'deploy', _meta: modern({ elicitation: { form: {} } }) });
    await own.send(call);
    expect(own.last()).toEqual(call);
    const input = resultResponse(2, { resultType: 'input_required', inputRequests: { who: form('Name?') } });
    own.reply(input);
    expect(own.delivered).toEqual([input]);
  });
});
