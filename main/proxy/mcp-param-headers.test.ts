// SEP-2243 x-mcp-header handling of the proxy (pure functions; the wire is covered by the
// conformance scenarios http-custom-headers and http-invalid-tool-headers).
import { describe, expect, it } from 'vitest';
import { buildParamHeaders, encodeHeaderValue, scanParamHeaders } from './mcp-param-headers';

const obj = (properties: Record<string, unknown>) => ({ type: 'object', properties });

describe('scanParamHeaders', () => {
  it('collects declarations on primitive properties, nested through "properties"', () => {
    const scan = scanParamHeaders(
      obj({
        region: { type: 'string', 'x-mcp-header': 'Region' },
        n: { type: 'integer', 'x-mcp-header': 'Priority' },
        opts: obj({ verbose: { type: 'boolean', 'x-mcp-header': 'Verbose' } }),
        plain: { type: 'number' },
      }),
    );
    expect(scan).toEqual({
      valid: true,
      declarations: [
        { path: ['region'], headerName: 'Region' },
        { path: ['n'], headerName: 'Priority' },
        { path: ['opts', 'verbose'], headerName: 'Verbose' },
      ],
    });
    expect(scanParamHeaders(undefined)).toEqual({ valid: true, declarations: [] });
  });

  it.each([
    ['empty name', obj({ v: { type: 'string', 'x-mcp-header': '' } })],
    ['space in name', obj({ v: { type: 'string', 'x-mcp-header': 'My Region' } })],
    ['colon in name', obj({ v: { type: 'string', 'x-mcp-header': 'Region:Primary' } })],
    ['non-ASCII name', obj({ v: { type: 'string', 'x-mcp-header': 'Régión' } })],
    ['object type', obj({ v: { type: 'object', 'x-mcp-header': 'Data' } })],
    ['array type', obj({ v: { type: 'array', items: { type: 'string' }, 'x-mcp-header': 'Items' } })],
    ['null type', obj({ v: { type: 'null', 'x-mcp-header': 'Nil' } })],
    ['number type', obj({ v: { type: 'number', 'x-mcp-header': 'Num' } })],
    ['no type', obj({ v: { 'x-mcp-header': 'Any' } })],
    ['duplicate', obj({ a: { type: 'string', 'x-mcp-header': 'Region' }, b: { type: 'string', 'x-mcp-header': 'Region' } })],
    ['duplicate in another case', obj({ a: { type: 'string', 'x-mcp-header': 'MyField' }, b: { type: 'string', 'x-mcp-header': 'myfield' } })],
    ['under items', obj({ list: { type: 'array', items: { type: 'string', 'x-mcp-header': 'X' } } })],
    ['under anyOf', obj({ v: { anyOf: [{ type: 'string', 'x-mcp-header': 'X' }] } })],
    ['under $defs', { ...obj({}), $defs: { d: { type: 'string', 'x-mcp-header': 'X' } } }],
    ['on the root', { type: 'object', 'x-mcp-header': 'Root' }],
  ])('refuses a tool whose declaration is invalid: %s', (_why, schema) => {
    expect(scanParamHeaders(schema).valid).toBe(false);
  });
});

describe('buildParamHeaders', () => {
  const declarations = [
    { path: ['region'], headerName: 'Region' },
    { path: ['priority'], headerName: 'Priority' },
    { path: ['verbose'], headerName: 'Verbose' },
    { path: ['opts', 'name'], headerName: 'Name' },
    { path: ['missing'], headerName: 'Missing' },
  ];

  it('mirrors present primitive values, converted to text; omits null and absent ones', () => {
    expect(buildParamHeaders(declarations, { region: 'us-west1', priority: 42, verbose: false, opts: { name: 'Hello, 世界' }, query: 'x' })).toEqual({
      'Mcp-Param-Region': 'us-west1',
      'Mcp-Param-Priority': '42',
      'Mcp-Param-Verbose': 'false',
      'Mcp-Param-Name': `=?base64?${Buffer.from('Hello, 世界').toString('base64')}?=`,
    });
    expect(buildParamHeaders(declarations, { region: null, verbose: true })).toEqual({ 'Mcp-Param-Verbose': 'true' });
    expect(buildParamHeaders(declarations, undefined)).toEqual({});
  });

  it('leaves out values that are not primitives or not safe numbers', () => {
    expect(buildParamHeaders(declarations, { region: { a: 1 }, priority: Number.MAX_SAFE_INTEGER + 2, verbose: [true] })).toEqual({});
  });
});

describe('encodeHeaderValue', () => {
  const b64 = (s: string) => `=?base64?${Buffer.from(s, 'utf8').toString('base64')}?=`;

  it('sends printable ASCII as is, spaces inside included', () => {
    expect(encodeHeaderValue('us west 1')).toBe('us west 1');
    expect(encodeHeaderValue('test-method')).toBe('test-method');
  });

  it.each([[' padded '], [' lead'], ['trail '], ['line1\nline2'], ['line1\r\nline2'], ['\tindented'], ['a\tb'], ['Hello, 世界'], [''], ['=?base64?abc?=']])(
    'wraps %j in the Base64 sentinel',
    (value) => {
      expect(encodeHeaderValue(value)).toBe(b64(value));
    },
  );
});
