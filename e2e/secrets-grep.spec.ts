/**
 * The secrets grep of the story (support/secrets-grep.ts) must be able to fail: it finds a secret in
 * each encoding it may take on the way to a log or a header, in nested files and in a live
 * process's environment, and reports where without repeating the secret.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test } from '@playwright/test';
import { filesUnder, findLeaks, forms, processHaystacks } from './support/secrets-grep';

const SECRET = 'tok_Abc/123+xyz=="quoted"&more~~~'; // base64 has a '+': base64url differs

test('finds a secret raw, URL-encoded, JSON-escaped and base64-encoded, and nothing else', () => {
  const haystacks = [
    { name: 'raw', text: `token ${SECRET} here` },
    { name: 'query', text: `GET /cb?code=${encodeURIComponent(SECRET)}` },
    { name: 'json', text: JSON.stringify({ message: SECRET }) },
    { name: 'basic', text: `authorization: Basic ${Buffer.from(SECRET).toString('base64')}` },
    { name: 'clean', text: 'tok_Abc/123 and other things, xyz' },
  ];
  const leaks = findLeaks(haystacks, [{ kind: 'test', value: SECRET }]);
  expect([...new Set(leaks.map((l) => l.haystack))].sort()).toEqual(['basic', 'json', 'query', 'raw']);
  expect(leaks.find((l) => l.haystack === 'basic')?.form).toBe('base64');
  // The report never carries the secret itself.
  expect(JSON.stringify(leaks)).not.toContain(SECRET);
  expect(forms(SECRET).map((f) => f.form)).toEqual(['raw', 'url-encoded', 'json-escaped', 'base64', 'base64url']);
});

test('reads every file under a folder, nested ones included', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-grep-'));
  try {
    fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'top.log'), 'nothing');
    fs.writeFileSync(path.join(dir, 'a', 'b', 'deep.log.1'), `x ${SECRET} y`);
    const files = filesUnder(dir);
    expect(files.map((f) => f.name).sort()).toEqual([path.join('a', 'b', 'deep.log.1'), 'top.log']);
    expect(findLeaks(files, [{ kind: 'test', value: SECRET }]).map((l) => l.haystack)).toEqual([path.join('a', 'b', 'deep.log.1')]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("finds a secret in a live process's argv and environment", async () => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)', 'argv-marker-1234'], {
    env: { LEAKY: SECRET, PATH: process.env.PATH ?? '' },
    stdio: 'ignore',
  });
  try {
    await new Promise((r) => child.once('spawn', r));
    const h = processHaystacks(child.pid!, 'child');
    expect(h.map((x) => x.name)).toEqual([`child ${child.pid} cmdline`, `child ${child.pid} environ`]);
    expect(findLeaks(h, [{ kind: 'test', value: SECRET }]).map((l) => l.haystack)).toEqual([`child ${child.pid} environ`]);
    expect(findLeaks(h, [{ kind: 'test', value: 'argv-marker-1234' }]).map((l) => l.haystack)).toEqual([`child ${child.pid} cmdline`]);
  } finally {
    child.kill();
  }
});
