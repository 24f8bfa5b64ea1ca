import { describe, expect, it } from 'vitest';
import { answerIn, errorResponse, isJsonRpcPayload, isNotification, isRequest, isResponse, parseMessages } from './jsonrpc';

describe('JSON-RPC guards', () => {
  it('tells requests, notifications and responses apart', () => {
    const request = { jsonrpc: '2.0', id: 0, method: 'ping' };
    const notification = { jsonrpc: '2.0', method: 'notifications/initialized' };
    const nullId = { jsonrpc: '2.0', id: null, method: 'x' };
    const result = { jsonrpc: '2.0', id: 1, result: {} };
    const error = { jsonrpc: '2.0', id: 1, error: { code: -1, message: 'no' } };
    expect([request, notification, nullId, result, error].map(isRequest)).toEqual([true, false, false, false, false]);
    expect([request, notification, nullId, result, error].map(isNotification)).toEqual([false, true, true, false, false]);
    expect([request, notification, nullId, result, error].map(isResponse)).toEqual([false, false, false, true, true]);
    for (const junk of [null, undefined, 1, 'x', [], [result]]) {
      expect(isRequest(junk) || isNotification(junk) || isResponse(junk)).toBe(false);
    }
  });

  it('accepts one JSON-RPC 2.0 message or a non-empty batch of them, nothing else', () => {
    expect(isJsonRpcPayload({ jsonrpc: '2.0', method: 'x' })).toBe(true);
    expect(
      isJsonRpcPayload([
        { jsonrpc: '2.0', method: 'x' },
        { jsonrpc: '2.0', id: 1, result: {} },
      ]),
    ).toBe(true);
    for (const bad of [[], [{ jsonrpc: '2.0' }, 1], { jsonrpc: '1.0', method: 'x' }, { method: 'x' }, null, 'x', [[{ jsonrpc: '2.0' }]]]) {
      expect(isJsonRpcPayload(bad)).toBe(false);
    }
  });

  it('parses an answer body into its messages, or says it is not JSON-RPC', () => {
    expect(parseMessages('{"jsonrpc":"2.0","id":1,"result":{}}')).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
    expect(parseMessages('[{"id":1},{"id":2}]')).toHaveLength(2);
    expect(() => parseMessages('[]')).toThrow(/not a JSON-RPC message/);
    expect(() => parseMessages('[1]')).toThrow(/not a JSON-RPC message/);
    expect(() => parseMessages('42')).toThrow(/not a JSON-RPC message/);
    expect(() => parseMessages('{')).toThrow(SyntaxError);
  });

  it('finds the answer to one id in a body', () => {
    const a = { jsonrpc: '2.0', id: 'a', result: { n: 1 } };
    const b = { jsonrpc: '2.0', id: 'b', result: { n: 2 } };
    expect(answerIn([a, b], 'b')).toBe(b);
    expect(answerIn([a], 'c')).toBeUndefined();
    expect(answerIn(a, 'a')).toBe(a);
    expect(answerIn({ issuer: 'https://as' }, undefined)).toBeUndefined(); // a metadata document, not JSON-RPC
    expect(answerIn(undefined, 'a')).toBeUndefined();
  });

  it('writes error answers with the id first and data only when given', () => {
    expect(JSON.stringify(errorResponse(7, -32601, 'Method not found'))).toBe('{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"Method not found"}}');
    expect(errorResponse(null, -32700, 'bad', { source: 's' })).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'bad', data: { source: 's' } },
    });
  });
});
