/**
 * The headless host's SecretVault: one JSON file, mode 0600 in a 0700 directory, written
 * atomically (temp file, fsync, rename) so a crash never leaves half a file. Values are NOT
 * encrypted (there is no OS keyring without Electron), and `security` says so for the user.
 * A file that is not a vault is never overwritten: every call fails with a clear error instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SecretVault, VaultSecurity } from './types';

export class FileSecretVault implements SecretVault {
  readonly security: VaultSecurity;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {
    this.security = {
      secure: false,
      backend: 'file (not encrypted)',
      warning: `Tokens are stored unencrypted in ${file}`,
    };
  }

  private read(): Record<string, string> {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new Error(`${this.file} is not a valid secrets file (not JSON); it was left untouched. Move it away to start over.`);
    }
    if (!data || typeof data !== 'object' || Array.isArray(data) || Object.values(data).some((v) => typeof v !== 'string')) {
      throw new Error(`${this.file} is not a valid secrets file (expected an object of strings); it was left untouched. Move it away to start over.`);
    }
    return data as Record<string, string>;
  }

  private write(data: Record<string, string>): void {
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(data, null, 1));
      fs.fsyncSync(fd);
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    fs.closeSync(fd);
    try {
      fs.renameSync(tmp, this.file);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    if (process.platform !== 'win32') fs.chmodSync(this.file, 0o600);
  }

  /** Read-modify-write steps run one at a time so concurrent updates never lose each other. */
  private serialized<T>(fn: () => T): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async get(key: string): Promise<string | undefined> {
    await this.queue;
    const data = this.read();
    return Object.prototype.hasOwnProperty.call(data, key) ? data[key] : undefined;
  }

  set(key: string, value: string): Promise<void> {
    if (typeof value !== 'string') return Promise.reject(new TypeError('Vault values must be strings.'));
    return this.serialized(() => {
      const data = this.read();
      data[key] = value;
      this.write(data);
    });
  }

  delete(key: string): Promise<void> {
    return this.serialized(() => {
      const data = this.read();
      if (!Object.prototype.hasOwnProperty.call(data, key)) return;
      delete data[key];
      this.write(data);
    });
  }

  async keys(prefix: string): Promise<string[]> {
    await this.queue;
    return Object.keys(this.read()).filter((k) => k.startsWith(prefix));
  }
}
