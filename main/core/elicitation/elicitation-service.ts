/**
 * Questions servers put to the user through the app, because the client cannot ask them (it
 * declares no elicitation; the proxy stands in, see main/proxy/message-path/elicitation-stand-in.ts).
 * Each waits here until the user answers in the window or it times out (then the server gets
 * "cancel"); a notification brings the window forward. A host with no window to show it (no
 * listener: `connect`, `serve` without --web) answers "cancel" at once. Form answers are checked against the
 * server's schema; a URL-mode question opens the page only after the user agreed to go to its
 * domain, and only http(s) pages (plain http to this computer only).
 */
import { randomBytes } from 'node:crypto';
import type { ElicitationReply, PendingElicitation } from '../../../common/contract';
import { isSecureOrLoopback } from '../../../common/url-policy';
import { maskUrlSecrets } from '../../../common/url-secrets';
import type { ElicitationAnswer, ElicitationAsk } from '../../shared/fork-protocol';
import type { BrowserOpener } from '../auth/types';
import type { Clock, Notifier } from '../ports';
import { checkFormAnswer } from './form-answer';

/** How long a question waits for the user. */
export const QUESTION_TIMEOUT_MS = 10 * 60_000;
const MAX_MESSAGE = 2000;
/** A server with this many questions waiting gets "cancel" for more (no flood of notifications). */
export const MAX_WAITING_PER_SERVER = 5;
/** A form with more fields than this is not shown ("decline"): no one fills it in. */
export const MAX_FIELDS = 50;

export interface ElicitationServiceOptions {
  clock: Clock;
  notifier?: Notifier;
  /** Opens a URL-mode question's page in the system browser. */
  opener?: BrowserOpener;
  timeoutMs?: number;
  log(serverId: string, level: 'info' | 'warn', message: string): void;
}

interface Waiting {
  view: PendingElicitation;
  /** URL mode: the address as the server gave it (the view's is masked). */
  url?: string;
  resolve(answer: ElicitationAnswer): void;
  timer: { cancel(): void };
}

export class ElicitationService {
  private readonly waiting = new Map<string, Waiting>();
  private readonly listeners = new Set<(pending: PendingElicitation[]) => void>();

  constructor(private readonly opts: ElicitationServiceOptions) {}

  /** Puts a server's question to the user; resolves with the answer (cancel when unanswered in time). */
  ask(serverId: string, serverName: string, ask: ElicitationAsk): Promise<ElicitationAnswer> {
    const message = String(ask?.message ?? '').slice(0, MAX_MESSAGE);
    if (this.listeners.size === 0) {
      // No window can show it (`connect` or `serve` without --web): the answer is known now.
      this.opts.log(serverId, 'info', `${serverName} asked the user something, but no window of this host can show it; told it "cancel"`);
      return Promise.resolve({ action: 'cancel' });
    }
    if ([...this.waiting.values()].filter((w) => w.view.serverId === serverId).length >= MAX_WAITING_PER_SERVER) {
      this.opts.log(serverId, 'warn', `${serverName} asked another question while ${MAX_WAITING_PER_SERVER} wait for the user; told it "cancel"`);
      return Promise.resolve({ action: 'cancel' });
    }
    const view: PendingElicitation = {
      id: `q-${randomBytes(9).toString('base64url')}`,
      serverId,
      serverName,
      mode: ask?.mode === 'url' ? 'url' : 'form',
      message,
      expiresAt: 0,
    };
    let url: string | undefined;
    if (view.mode === 'url') {
      let u: URL | undefined;
      try {
        u = new URL(String(ask.url));
      } catch {
        u = undefined;
      }
      if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:') || !isSecureOrLoopback(u)) {
        this.opts.log(serverId, 'warn', `${serverName} asked the user to open a page that is not https (${u ? u.protocol : 'not a URL'}); declined`);
        return Promise.resolve({ action: 'decline' });
      }
      url = u.href;
      view.url = maskUrlSecrets(u.href);
      view.domain = u.host;
    } else {
      view.requestedSchema =
        ask?.requestedSchema && typeof ask.requestedSchema === 'object'
          ? (ask.requestedSchema as PendingElicitation['requestedSchema'])
          : { type: 'object', properties: {} };
      if (Object.keys(view.requestedSchema?.properties ?? {}).length > MAX_FIELDS) {
        this.opts.log(serverId, 'warn', `${serverName} asked for a form of more than ${MAX_FIELDS} fields; declined`);
        return Promise.resolve({ action: 'decline' });
      }
    }
    const timeoutMs = this.opts.timeoutMs ?? QUESTION_TIMEOUT_MS;
    view.expiresAt = this.opts.clock.now() + timeoutMs;
    return new Promise((resolve) => {
      const timer = this.opts.clock.setTimeout(() => {
        this.opts.log(serverId, 'info', `Nobody answered ${serverName}'s question within ${Math.round(timeoutMs / 60_000)} min; the server was told "cancel"`);
        this.settle(view.id, { action: 'cancel' });
      }, timeoutMs);
      this.waiting.set(view.id, { view, url, resolve, timer });
      this.opts.log(
        serverId,
        'info',
        `${serverName} asks the user ${view.mode === 'url' ? `to open a page on ${view.domain}` : 'to fill in a form'}; asking in the window`,
      );
      this.opts.notifier?.notify(`${serverName} asks you something`, message.slice(0, 180) || 'Open MCP Switchboard to answer.');
      this.changed();
    });
  }

  list(): PendingElicitation[] {
    return [...this.waiting.values()].map((w) => ({ ...w.view }));
  }

  /** The user's answer from the window; throws a sentence when it cannot be taken (the question waits on). */
  async answer(reply: ElicitationReply): Promise<void> {
    const w = this.waiting.get(reply.id);
    if (!w) throw new Error('That question is no longer waiting: it was answered, or the server stopped waiting.');
    if (reply.action !== 'accept') return this.settle(reply.id, { action: reply.action });
    if (w.view.mode === 'form') {
      const content = checkFormAnswer(w.view.requestedSchema, reply.content);
      return this.settle(reply.id, { action: 'accept', content });
    }
    if (!this.opts.opener) throw new Error('This window cannot open a browser; decline the request instead.');
    await this.opts.opener.open(w.url!);
    this.settle(reply.id, { action: 'accept' });
  }

  onDidChange(listener: (pending: PendingElicitation[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every question still waiting gets "cancel" (the app quits). */
  dispose(): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, { action: 'cancel' });
  }

  private settle(id: string, answer: ElicitationAnswer): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    w.timer.cancel();
    // The action only: what the user typed is theirs and the server's, not the log's.
    this.opts.log(w.view.serverId, 'info', `The user answered ${w.view.serverName}'s question: ${answer.action}`);
    w.resolve(answer);
    this.changed();
  }

  private changed(): void {
    const list = this.list();
    for (const l of this.listeners) {
      try {
        l(list);
      } catch {
        // a listener's failure is its own
      }
    }
  }
}
