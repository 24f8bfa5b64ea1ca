import { describe, expect, it } from 'vitest';
import { responseId } from './relay';

describe('responseId', () => {
  it('reads the id of responses the proxy writes, without parsing the body', () => {
    expect(responseId('{"jsonrpc":"2.0","id":7,"result":{"content":[]}}')).toBe(7);
    expect(responseId('{"jsonrpc":"2.0","id":"a\\"b","error":{"code":1,"message":"x"}}')).toBe('a"b');
    const huge = '{"jsonrpc":"2.0","id":12,"result":{"text":"' + 'x'.repeat(5_000_000) + '"}}';
    expect(responseId(huge)).toBe(12);
  });

  it('does not mistake a server request or notification for a response', () => {
    expect(responseId('{"jsonrpc":"2.0","id":0,"method":"sampling/createMessage","params":{}}')).toBeUndefined();
    expect(responseId('{"jsonrpc":"2.0","method":"notifications/progress","params":{}}')).toBeUndefined();
  });

  it('falls back to parsing small responses in another key order', () => {
    expect(responseId('{"result":{},"jsonrpc":"2.0","id":3}')).toBe(3);
    expect(responseId('not json')).toBeUndefined();
  });
});
