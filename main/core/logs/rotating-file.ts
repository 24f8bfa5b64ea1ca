/**
 * Append-only log file capped in size: when `maxBytes` would be exceeded the file moves to
 * `.1` (`.1` to `.2`, …) and only `keep` old files stay. Files are 0600.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export class RotatingFile {
  private size: number;
  private fd?: number;

  constructor(
    readonly file: string,
    private readonly maxBytes = 5 * 1024 * 1024,
    private readonly keep = 3,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      this.size = fs.statSync(file).size;
    } catch {
      this.size = 0;
    }
  }

  append(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    if (this.fd === undefined) this.fd = fs.openSync(this.file, 'a', 0o600);
    fs.writeSync(this.fd, text);
    this.size += bytes;
  }

  private rotate(): void {
    this.close();
    for (let i = this.keep - 1; i >= 1; i--) {
      const from = `${this.file}.${i}`;
      if (fs.existsSync(from)) fs.renameSync(from, `${this.file}.${i + 1}`);
    }
    // The file may have been deleted behind our back (logs folder cleared): nothing to move then.
    if (this.keep > 0) {
      if (fs.existsSync(this.file)) fs.renameSync(this.file, `${this.file}.1`);
    } else fs.rmSync(this.file, { force: true });
    fs.rmSync(`${this.file}.${this.keep + 1}`, { force: true });
    this.size = 0;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
