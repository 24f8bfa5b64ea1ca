/**
 * Opens authorization URLs in the user's browser. URLs come from remote servers, so they are
 * checked first (https, or http to a loopback host; nothing else) and are never handed to a
 * shell: the opener is spawned directly with the URL as one argument.
 */
import { spawn } from 'node:child_process';
import { isSecureOrLoopback } from '../../../common/url-policy';
import type { BrowserOpener } from './types';

export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

/**
 * The URL the browser may be sent to, or an UnsafeUrlError naming the reason. Rejects
 * `javascript:`, `data:`, `file:`, custom schemes, plain http to other hosts, embedded
 * credentials and anything that does not parse.
 */
export function assertSafeBrowserUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError('The sign-in address is not a valid URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UnsafeUrlError(`Refusing to open a sign-in address with the "${url.protocol.replace(/:$/, '')}" scheme; only https is allowed.`);
  }
  if (!isSecureOrLoopback(url)) {
    throw new UnsafeUrlError(`Refusing to open a plain-http sign-in address on ${url.host}; only https is allowed (http only for this computer).`);
  }
  if (url.username || url.password) throw new UnsafeUrlError('Refusing to open a sign-in address that carries a user name or password.');
  return url;
}

/** Splits MCP_SWITCHBOARD_BROWSER: a JSON array of argv when it starts with '[', else one executable path. */
export function parseBrowserCommand(value: string): string[] {
  const trimmed = value.trim();
  if (!trimmed) throw new Error('The browser command is empty.');
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error('MCP_SWITCHBOARD_BROWSER starts with "[" but is not a JSON array of strings.');
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p) => typeof p === 'string' && p.length > 0)) {
      throw new Error('MCP_SWITCHBOARD_BROWSER must be a non-empty JSON array of strings.');
    }
    return parsed as string[];
  }
  return [trimmed];
}

/**
 * Runs argv + URL without a shell. Resolves when the program exits with 0, rejects when it cannot
 * start or exits otherwise. (Callers do not need to wait: a browser that stays open simply never
 * settles the promise.)
 */
function run(argv: string[], url: string, what: string, env?: NodeJS.ProcessEnv): Promise<void> {
  const [file, ...args] = argv;
  return new Promise<void>((resolve, reject) => {
    let child;
    try {
      child = spawn(file, [...args, url], { shell: false, stdio: 'ignore', windowsHide: true, env: env ?? process.env });
    } catch (err) {
      reject(new Error(`Could not start ${what}: ${(err as Error).message}`));
      return;
    }
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(err.code === 'ENOENT' ? `Could not start ${what}: ${file} was not found.` : `Could not start ${what}: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${what} (${file}) ${signal ? `was stopped by ${signal}` : `exited with code ${code}`}.`));
    });
  });
}

/** The command named by MCP_SWITCHBOARD_BROWSER (scripts, tests, the conformance runner). */
export class CommandBrowserOpener implements BrowserOpener {
  private readonly argv: string[];

  constructor(
    command: string | string[],
    private readonly env?: NodeJS.ProcessEnv,
  ) {
    this.argv = Array.isArray(command) ? [...command] : parseBrowserCommand(command);
    if (this.argv.length === 0 || !this.argv[0]) throw new Error('The browser command is empty.');
  }

  async open(url: string): Promise<void> {
    const safe = assertSafeBrowserUrl(url);
    return run(this.argv, safe.href, 'the browser command', this.env);
  }
}

/** The platform's own URL opener (headless host; the Electron app uses shell.openExternal). */
export class SystemBrowserOpener implements BrowserOpener {
  constructor(private readonly platform: NodeJS.Platform = process.platform) {}

  /** The argv (without the URL) used on this platform. */
  command(): string[] {
    if (this.platform === 'darwin') return ['open'];
    if (this.platform === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler'];
    return ['xdg-open'];
  }

  async open(url: string): Promise<void> {
    const safe = assertSafeBrowserUrl(url);
    return run(this.command(), safe.href, 'the system browser');
  }
}
