/** The shared vocabulary of the tool policy: one digest per definition whatever the key order, and the rule. */
import { describe, expect, it } from 'vitest';
import { canonicalJson, definitionDigest, definitionName, refusalMessage, verdict, type PolicySnapshot } from './tool-policy';

describe('canonicalJson and definitionDigest', () => {
  it('sorts keys at every depth and keeps arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
    const a = { name: 'search', inputSchema: { type: 'object', properties: { q: { type: 'string' } } }, description: 'Search.' };
    const b = { description: 'Search.', inputSchema: { properties: { q: { type: 'string' } }, type: 'object' }, name: 'search' };
    expect(definitionDigest(a)).toBe(definitionDigest(b));
    expect(definitionDigest(a)).toMatch(/^[0-9a-f]{64}$/);
    // Any change anywhere in the definition is another digest: annotations, a schema detail, a title.
    expect(definitionDigest({ ...a, annotations: { readOnlyHint: true } })).not.toBe(definitionDigest(a));
    expect(definitionDigest({ ...a, inputSchema: { ...a.inputSchema, required: ['q'] } })).not.toBe(definitionDigest(a));
  });

  it('names a resource template by its name, else its URI template', () => {
    expect(definitionName('resourceTemplates', { uriTemplate: 'issue://{id}' })).toBe('issue://{id}');
    expect(definitionName('tools', { uriTemplate: 'x' })).toBeUndefined();
    expect(definitionName('tools', null)).toBeUndefined();
  });
});

describe('verdict', () => {
  const p: PolicySnapshot = { mode: 'ask', adopt: ['prompts'], approved: { tools: { a: 'd1' } }, blocked: { tools: { b: 'd2' } }, hidden: { cursor: ['a'] } };
  it('approved at this digest passes, hidden per install, blocked wins, the modes and the baseline', () => {
    expect(verdict(p, 'tools', 'a', 'd1')).toBeUndefined();
    expect(verdict(p, 'tools', 'a', 'd1', 'cursor')).toBe('hidden');
    expect(verdict(p, 'tools', 'a', 'other')).toBe('pending');
    expect(verdict(p, 'tools', 'new', 'dx')).toBe('pending');
    expect(verdict({ ...p, mode: 'allow-new' }, 'tools', 'new', 'dx')).toBeUndefined();
    expect(verdict({ ...p, mode: 'allow-new' }, 'tools', 'a', 'other')).toBe('pending');
    expect(verdict({ ...p, mode: 'allow-all' }, 'tools', 'a', 'other')).toBeUndefined();
    expect(verdict({ ...p, mode: 'allow-all' }, 'tools', 'b', 'd2')).toBe('blocked');
    expect(verdict(p, 'prompts', 'anything', 'dx')).toBeUndefined();
  });

  it('says why and where to approve', () => {
    expect(refusalMessage('tools', 'a', 'pending', 'Linear')).toMatch(/^Tool "a" of Linear is new or its definition changed.*Linear › Tools.*--approve a\)\.$/);
    expect(refusalMessage('prompts', 'p', 'blocked', 'Linear')).toMatch(
      /^Prompt "p" of Linear is blocked in MCP Switchboard: its current definition was not approved/,
    );
  });
});
