import { describe, expect, it } from 'vitest';
import { isSecretParamName, isSecretPathSegment, maskUrlSecrets, maskUrlsInText, urlSecrets } from './url-secrets';

describe('isSecretParamName', () => {
  it.each([
    'api-key',
    'api_key',
    'apikey',
    'apiKey',
    'x-api-key',
    'key',
    'token',
    'access_token',
    'authToken',
    'secret',
    'client_secret',
    'auth',
    'password',
    'code',
    'sig',
    'TOKEN',
  ])('%s is secret', (name) => expect(isSecretParamName(name)).toBe(true));
  it.each(['monkey', 'state', 'region', 'token_type_hint', 'code_challenge', 'sessionId', 'keyboard', 'author'])('%s is not', (name) =>
    expect(isSecretParamName(name)).toBe(false),
  );
});

describe('isSecretPathSegment', () => {
  it('takes key-like segments, not names, versions or well-known paths', () => {
    expect(
      ['sk-live-4f9a8b7c6d5e4f3a', 'ghp_1234567890abcdefghij', 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4', '123e4567-e89b-12d3-a456-426614174000'].map(isSecretPathSegment),
    ).toEqual([true, true, true, true]);
    expect(['mcp', 'sse', 'v1', '2025-03-26', 'oauth-protected-resource', '.well-known', 'my-server', 'projects-2024'].map(isSecretPathSegment)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('maskUrlSecrets', () => {
  it('masks query secrets, key-like path segments and passwords, and keeps the rest as written', () => {
    expect(maskUrlSecrets('https://mcp.example.com/mcp?api-key=K1&region=eu&token=T2')).toBe('https://mcp.example.com/mcp?api-key=•••&region=eu&token=•••');
    expect(maskUrlSecrets('https://actions.example.com/mcp/sk-ak-1a2b3c4d5e6f7a8b9c0d/sse')).toBe('https://actions.example.com/mcp/•••/sse');
    expect(maskUrlSecrets('https://user:hunter2@h.example/p?auth=x%20y#access_token=abc', '[redacted]')).toBe(
      'https://user:[redacted]@h.example/p?auth=[redacted]#access_token=[redacted]',
    );
    expect(maskUrlSecrets('http://127.0.0.1:3000/mcp')).toBe('http://127.0.0.1:3000/mcp');
    expect(maskUrlSecrets('/u/sk-live-4f9a8b7c6d5e4f3a/mcp')).toBe('/u/•••/mcp');
  });

  it('lists the secrets it masks, as written and decoded', () => {
    expect(urlSecrets('https://h.example/sk-live-4f9a8b7c6d5e4f3a/mcp?secret=a%2Bb&x=1')).toEqual(['sk-live-4f9a8b7c6d5e4f3a', 'a%2Bb', 'a+b']);
    expect(urlSecrets('https://h.example/mcp')).toEqual([]);
  });
});

describe('maskUrlsInText', () => {
  it('masks every URL in a sentence, leaving the sentence’s punctuation alone', () => {
    expect(maskUrlsInText('Added https://h.example/mcp?api-key=K1. Then (https://h.example/x/sk-live-4f9a8b7c6d5e4f3a).')).toBe(
      'Added https://h.example/mcp?api-key=•••. Then (https://h.example/x/•••).',
    );
  });

  it('masks a bare query string too', () => {
    expect(maskUrlsInText('GET /cb?code=abc&state=s', '[redacted]')).toBe('GET /cb?code=[redacted]&state=s');
  });
});
