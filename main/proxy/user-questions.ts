/**
 * Questions for the user that a server asks and the client cannot (it declares no elicitation):
 * sent to main over the fork channel (`elicit`), which shows them in the window and answers with
 * `elicit-answer`. Main times a question out with `cancel`; the proxy waits a little longer as a
 * safety net, and a proxy that shuts down cancels whatever still waits.
 */
import type { ElicitationAnswer, ElicitationAsk, ProxyToParent } from '../shared/fork-protocol';

const CANCEL: ElicitationAnswer = { action: 'cancel' };

export class UserQuestions {
  private next = 1;
  private readonly waiting = new Map<number, { resolve(a: ElicitationAnswer): void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly emit: (msg: ProxyToParent) => void,
    /** Past this, a question counts as cancelled (main's own limit is shorter). */
    private readonly timeoutMs = 11 * 60_000,
  ) {}

  ask(ask: ElicitationAsk): Promise<ElicitationAnswer> {
    const requestId = this.next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.receive(requestId, CANCEL), this.timeoutMs);
      timer.unref();
      this.waiting.set(requestId, { resolve, timer });
      this.emit({ type: 'elicit', requestId, ask });
    });
  }

  /** Main's answer; anything but a well-formed one counts as cancel. */
  receive(requestId: number, answer: ElicitationAnswer | undefined): void {
    const w = this.waiting.get(requestId);
    if (!w) return;
    this.waiting.delete(requestId);
    clearTimeout(w.timer);
    const ok = answer && (answer.action === 'accept' || answer.action === 'decline' || answer.action === 'cancel');
    w.resolve(ok ? answer : CANCEL);
  }

  dispose(): void {
    for (const id of [...this.waiting.keys()]) this.receive(id, CANCEL);
  }
}
