/**
 * The diagnostics bundle a user attaches to a bug report: versions, platform, every server's
 * configuration without secrets (header NAMES only, URLs with their secrets masked), status, settings, clients and their install
 * states, how secrets are stored, and recent logs per server. The whole JSON text passes the
 * redactor once more before it is written (0600, under <dataDir>/diagnostics/).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type {
  AppSettings,
  DiagnosticsBundle,
  InstallStatus,
  LogEvent,
  SecretStorageInfo,
  ServerStatus,
  SignInState,
  TransportKind,
} from '../../../common/contract';
import type { Redactor } from './redactor';

export interface DiagnosticsServer {
  id: string;
  name: string;
  url: string;
  enabled: boolean;
  headerNames: string[];
  clientId?: string;
  status: ServerStatus;
  transport?: { kind: TransportKind; url: string };
  signIn: SignInState;
  signInDetail?: string;
  tokenExpiresAt?: number;
}

export interface DiagnosticsClient {
  id: string;
  name: string;
  present: boolean;
  configPath?: string;
  installs: Array<Omit<InstallStatus, 'clientId'>>;
}

export interface DiagnosticsInput {
  app: { version: string; dataDir: string };
  servers: DiagnosticsServer[];
  settings: AppSettings;
  clients?: DiagnosticsClient[] | { error: string };
  secretStorage?: SecretStorageInfo;
  logs: Record<string, LogEvent[]>;
  now?: number;
}

/** The bundle's JSON text, before redaction. */
export function diagnosticsJson(input: DiagnosticsInput): string {
  const now = input.now ?? Date.now();
  const bundle = {
    kind: 'mcp-switchboard-diagnostics',
    format: 1,
    createdAt: new Date(now).toISOString(),
    app: {
      version: input.app.version,
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      platform: process.platform,
      arch: process.arch,
      osRelease: safe(() => os.release()),
      dataDir: input.app.dataDir,
    },
    secretStorage: input.secretStorage ?? null,
    settings: input.settings,
    servers: input.servers,
    clients: input.clients ?? null,
    logs: input.logs,
  };
  return JSON.stringify(bundle, null, 2) + '\n';
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** Writes the redacted bundle to `<dataDir>/diagnostics/diagnostics-<time>.json`, mode 0600. */
export function writeDiagnostics(dataDir: string, input: DiagnosticsInput, redactor: Redactor): DiagnosticsBundle {
  const dir = path.join(dataDir, 'diagnostics');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const now = input.now ?? Date.now();
  const text = redactor.redact(diagnosticsJson({ ...input, now }));
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  let file = path.join(dir, `diagnostics-${stamp}.json`);
  for (let n = 2; fs.existsSync(file); n++) file = path.join(dir, `diagnostics-${stamp}-${n}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  if (process.platform !== 'win32') fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  return { file, bytes: Buffer.byteLength(text) };
}
