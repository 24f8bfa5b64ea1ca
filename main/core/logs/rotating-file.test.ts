// Real files in a temp dir.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingFile } from './rotating-file';

let dir: string;
const open: RotatingFile[] = [];

function file(name = 'srv.log', maxBytes?: number, keep?: number): RotatingFile {
  const f = new RotatingFile(path.join(dir, name), maxBytes, keep);
  open.push(f);
  return f;
}
const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
const exists = (name: string) => fs.existsSync(path.join(dir, name));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-rotate-'));
});

afterEach(() => {
  for (const f of open.splice(0)) f.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('RotatingFile', () => {
  it('appends to the file, creating its directory', () => {
    const f = new RotatingFile(path.join(dir, 'logs', 'nested', 'a.log'));
    open.push(f);
    f.append('one\n');
    f.append('two\n');
    expect(fs.readFileSync(path.join(dir, 'logs', 'nested', 'a.log'), 'utf8')).toBe('one\ntwo\n');
  });

  it.skipIf(process.platform === 'win32')('creates the file 0600 and its directory 0700', () => {
    const f = new RotatingFile(path.join(dir, 'logs', 'a.log'));
    open.push(f);
    f.append('x\n');
    expect(fs.statSync(path.join(dir, 'logs', 'a.log')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, 'logs')).mode & 0o777).toBe(0o700);
  });

  it('rotates before a write would exceed maxBytes', () => {
    const f = file('srv.log', 10);
    f.append('12345\n'); // 6
    f.append('abc\n'); // 10: exactly the limit, no rotation
    expect(read('srv.log')).toBe('12345\nabc\n');
    expect(exists('srv.log.1')).toBe(false);
    f.append('z\n'); // 12 > 10: rotate first
    expect(read('srv.log')).toBe('z\n');
    expect(read('srv.log.1')).toBe('12345\nabc\n');
  });

  it('keeps only `keep` old files, newest in .1', () => {
    const f = file('srv.log', 4, 2);
    for (const w of ['aaa\n', 'bbb\n', 'ccc\n', 'ddd\n', 'eee\n']) f.append(w);
    expect(read('srv.log')).toBe('eee\n');
    expect(read('srv.log.1')).toBe('ddd\n');
    expect(read('srv.log.2')).toBe('ccc\n');
    expect(exists('srv.log.3')).toBe(false);
    expect(fs.readdirSync(dir).sort()).toEqual(['srv.log', 'srv.log.1', 'srv.log.2']);
  });

  it('with keep 0 starts over without old files', () => {
    const f = file('srv.log', 4, 0);
    f.append('aaa\n');
    f.append('bbb\n');
    expect(read('srv.log')).toBe('bbb\n');
    expect(fs.readdirSync(dir)).toEqual(['srv.log']);
  });

  it('writes a single record larger than maxBytes into an empty file', () => {
    const f = file('srv.log', 4);
    f.append('0123456789\n');
    expect(read('srv.log')).toBe('0123456789\n');
    expect(exists('srv.log.1')).toBe(false);
    f.append('x\n');
    expect(read('srv.log')).toBe('x\n');
    expect(read('srv.log.1')).toBe('0123456789\n');
  });

  it('counts bytes, not characters', () => {
    const f = file('srv.log', 8);
    f.append('日本\n'); // 7 bytes
    f.append('a\n'); // 9 bytes > 8: rotate
    expect(read('srv.log')).toBe('a\n');
    expect(read('srv.log.1')).toBe('日本\n');
  });

  it('continues an existing file and counts its size', () => {
    fs.writeFileSync(path.join(dir, 'srv.log'), '123456\n');
    const f = file('srv.log', 10);
    f.append('ab\n'); // 10
    expect(read('srv.log')).toBe('123456\nab\n');
    f.append('c\n');
    expect(read('srv.log.1')).toBe('123456\nab\n');
    expect(read('srv.log')).toBe('c\n');
  });

  it('keeps logging after the file was deleted behind its back', () => {
    const f = file('srv.log', 10, 2);
    f.append('1234567\n');
    fs.rmSync(path.join(dir, 'srv.log')); // e.g. the user cleared the logs folder
    f.append('abcdef\n'); // would exceed: rotation finds no file to move
    f.append('g\n');
    expect(read('srv.log')).toBe('abcdef\ng\n');
    expect(exists('srv.log.1')).toBe(false);
    f.append('hijk\n'); // rotates normally again
    expect(read('srv.log.1')).toBe('abcdef\ng\n');
    expect(read('srv.log')).toBe('hijk\n');
  });
});
