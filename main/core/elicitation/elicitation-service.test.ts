/**
 * The questions servers ask the user through the app: listed for the window, announced with a
 * notification, answered (form values checked against the schema, a URL opened only after the user
 * agreed), timed out with "cancel" on the FakeClock. The notifier and the browser are recorders:
 * nothing here can show a notification or open a browser.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock';
import { ElicitationService, MAX_FIELDS, MAX_WAITING_PER_SERVER, QUESTION_TIMEOUT_MS } from './elicitation-service';
import { checkFormAnswer, FormAnswerError } from './form-answer';

function service() {
  const clock = new FakeClock(1_000);
  const notified: string[] = [];
  const opened: string[] = [];
  const logs: string[] = [];
  const changes: number[] = [];
  const s = new ElicitationService({
    clock,
    notifier: { notify: (title, body) => notified.push(`${title}: ${body}`) },
    opener: { open: async (url) => void opened.push(url) },
    log: (_server, level, message) => logs.push(`${level} ${message}`),
  });
  s.onDidChange((list) => changes.push(list.length));
  return { s, clock, notified, opened, logs, changes };
}

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Name', minLength: 2 },
    age: { type: 'integer', minimum: 0 },
    color: { type: 'string', enum: ['red', 'blue'] },
    agree: { type: 'boolean' },
    tags: { type: 'array', items: { enum: ['a', 'b'] } },
  },
  required: ['name'],
};

describe('ElicitationService', () => {
  it('lists a form question, notifies, and resolves with the checked answer (no values in the log)', async () => {
    const { s, notified, logs, changes } = service();
    const answer = s.ask('srv', 'Deploys', { mode: 'form', message: 'Who are you?', requestedSchema: schema });
    const [q] = s.list();
    expect(q).toMatchObject({
      serverId: 'srv',
      serverName: 'Deploys',
      mode: 'form',
      message: 'Who are you?',
      requestedSchema: schema,
      expiresAt: 1_000 + QUESTION_TIMEOUT_MS,
    });
    expect(notified).toEqual(['Deploys asks you something: Who are you?']);
    await expect(s.answer({ id: q!.id, action: 'accept', content: { name: 'A' } })).rejects.toThrow('Name must be at least 2 characters.');
    expect(s.list()).toHaveLength(1); // still waiting after a refused answer
    await s.answer({ id: q!.id, action: 'accept', content: { name: 'Ada', age: 36, extra: 'dropped' } });
    expect(await answer).toEqual({ action: 'accept', content: { name: 'Ada', age: 36 } });
    expect(s.list()).toEqual([]);
    expect(changes).toEqual([1, 0]);
    expect(logs.join('\n')).not.toContain('Ada');
    await expect(s.answer({ id: q!.id, action: 'decline' })).rejects.toThrow(/no longer waiting/);
  });

  it('answers "cancel" for a question nobody answered in time, and on dispose', async () => {
    const { s, clock } = service();
    const late = s.ask('srv', 'S', { mode: 'form', message: 'Hello?' });
    clock.advance(QUESTION_TIMEOUT_MS);
    expect(await late).toEqual({ action: 'cancel' });
    const open = s.ask('srv', 'S', { mode: 'form', message: 'Again?' });
    s.dispose();
    expect(await open).toEqual({ action: 'cancel' });
  });

  it('opens a URL-mode page only when the user accepts; the window sees it with secrets masked', async () => {
    const { s, opened } = service();
    const answer = s.ask('srv', 'S', { mode: 'url', message: 'Connect your account', url: 'https://auth.example.com/connect?token=abc123secretvalue' });
    const [q] = s.list();
    expect(q).toMatchObject({ mode: 'url', domain: 'auth.example.com' });
    expect(q!.url).not.toContain('abc123secretvalue');
    expect(opened).toEqual([]);
    await s.answer({ id: q!.id, action: 'accept' });
    expect(opened).toEqual(['https://auth.example.com/connect?token=abc123secretvalue']);
    expect(await answer).toEqual({ action: 'accept' });
    const declined = s.ask('srv', 'S', { mode: 'url', message: 'x', url: 'https://auth.example.com/' });
    await s.answer({ id: s.list()[0]!.id, action: 'decline' });
    expect(await declined).toEqual({ action: 'decline' });
    expect(opened).toHaveLength(1);
  });

  it('cancels at once when no window listens (a host without one cannot ask)', async () => {
    const logs: string[] = [];
    const s = new ElicitationService({ clock: new FakeClock(), log: (_s, _l, m) => logs.push(m) });
    expect(await s.ask('srv', 'S', { mode: 'form', message: 'Hello?' })).toEqual({ action: 'cancel' });
    expect(s.list()).toEqual([]);
    expect(logs[0]).toMatch(/no window of this host can show it/);
  });

  it('declines a page that is not https without asking', async () => {
    const { s, notified } = service();
    expect(await s.ask('srv', 'S', { mode: 'url', message: 'x', url: 'javascript:alert(1)' })).toEqual({ action: 'decline' });
    expect(await s.ask('srv', 'S', { mode: 'url', message: 'x', url: 'http://remote.example.com/' })).toEqual({ action: 'decline' });
    expect(notified).toEqual([]);
  });
});

describe('ElicitationService limits', () => {
  it("cancels a server's questions past the waiting limit and declines forms too big to fill in", async () => {
    const { s, notified } = service();
    for (let i = 0; i < MAX_WAITING_PER_SERVER; i++) void s.ask('srv', 'S', { mode: 'form', message: `q${i}` });
    expect(await s.ask('srv', 'S', { mode: 'form', message: 'one more' })).toEqual({ action: 'cancel' });
    expect(notified).toHaveLength(MAX_WAITING_PER_SERVER);
    void s.ask('other', 'O', { mode: 'form', message: 'fine' }); // another server is not held back
    expect(s.list()).toHaveLength(MAX_WAITING_PER_SERVER + 1);
    const properties = Object.fromEntries(Array.from({ length: MAX_FIELDS + 1 }, (_, i) => [`f${i}`, { type: 'string' }]));
    expect(await s.ask('other', 'O', { mode: 'form', message: 'huge', requestedSchema: { type: 'object', properties } })).toEqual({ action: 'decline' });
    s.dispose();
  });
});

describe('checkFormAnswer', () => {
  it('checks types, choices, bounds and required fields, and drops what the schema does not name', () => {
    expect(checkFormAnswer(schema as never, { name: 'Ada', color: 'red', agree: true, tags: ['a'], x: 1 })).toEqual({
      name: 'Ada',
      color: 'red',
      agree: true,
      tags: ['a'],
    });
    const refused = (content: Record<string, unknown>) => {
      try {
        checkFormAnswer(schema as never, content);
        return 'accepted';
      } catch (err) {
        expect(err).toBeInstanceOf(FormAnswerError);
        return (err as Error).message;
      }
    };
    expect(refused({})).toBe('Name is required.');
    expect(refused({ name: 'Ada', age: 1.5 })).toBe('age must be a whole number.');
    expect(refused({ name: 'Ada', age: -1 })).toBe('age must be at least 0.');
    expect(refused({ name: 'Ada', color: 'green' })).toBe('"green" is not one of the choices for color.');
    expect(refused({ name: 'Ada', agree: 'yes' })).toBe('agree must be yes or no.');
    expect(refused({ name: 'Ada', tags: ['c'] })).toBe('"c" is not one of the choices for tags.');
  });
});
