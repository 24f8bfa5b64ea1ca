/**
 * Signing in, the same from every place that offers it (a server card, the server page, the add
 * flow, a request from the tray): where this computer has no keyring and the user has not chosen
 * yet, the storage question is asked first, once, in a small sheet (StorageSheet); then the
 * browser sign-in runs, and while it waits the window offers Cancel, the sign-in page again, Copy
 * link and the time left (SignInWaiting).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { AppInfo, AppSettings, Result, SignInPage } from '../../common/contract';
import { call } from './api';
import { StorageSheet } from './components/StorageSheet';

export type SignInOutcome = { kind: 'signed-in' } | { kind: 'cancelled' } | { kind: 'failed'; error: string };

interface SignInApi {
  /** Asks about storage where needed, then signs in; resolves when the sign-in ended. */
  signIn(server: { id: string; name: string }): Promise<SignInOutcome>;
  /** Ends the sign-in waiting for the browser. */
  cancel(serverId: string): Promise<void>;
  /** Servers whose sign-in this window started and that have not ended. */
  pending: ReadonlySet<string>;
}

const SignInContext = createContext<SignInApi | undefined>(undefined);

/** The sign-in API; outside a provider (component tests) a plain one without the storage question. */
export function useSignIn(): SignInApi {
  const ctx = useContext(SignInContext);
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const fallback = useMemo<SignInApi>(
    () => ({
      pending,
      cancel: async (serverId) => void (await call('auth:cancel-sign-in', { serverId })),
      signIn: async (server) => {
        setPending((p) => new Set(p).add(server.id));
        const r = await call('auth:sign-in', { serverId: server.id });
        setPending((p) => {
          const next = new Set(p);
          next.delete(server.id);
          return next;
        });
        return outcome(r);
      },
    }),
    [pending],
  );
  return ctx ?? fallback;
}

function outcome(r: Result<void>): SignInOutcome {
  if (r.ok) return { kind: 'signed-in' };
  return /cancelled|was stopped/i.test(r.error) ? { kind: 'cancelled' } : { kind: 'failed', error: r.error };
}

interface ProviderProps {
  info?: AppInfo;
  settings?: AppSettings;
  update: (patch: Partial<AppSettings>) => Promise<string | undefined>;
  children: ReactNode;
}

export function SignInProvider({ info, settings, update, children }: ProviderProps) {
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const [asking, setAsking] = useState<{ name: string; answer: (go: boolean) => void } | undefined>();
  const cancelled = useRef(new Set<string>());
  const mustAsk = !!info?.secretStorage && !info.secretStorage.secure && settings?.weakStorage === 'ask';

  const mark = (id: string, on: boolean) =>
    setPending((p) => {
      const next = new Set(p);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const signIn = useCallback(
    async (server: { id: string; name: string }): Promise<SignInOutcome> => {
      cancelled.current.delete(server.id);
      if (mustAsk) {
        const go = await new Promise<boolean>((answer) => setAsking({ name: server.name, answer }));
        setAsking(undefined);
        if (!go) return { kind: 'cancelled' };
      }
      mark(server.id, true);
      try {
        const r = await call('auth:sign-in', { serverId: server.id });
        return cancelled.current.has(server.id) ? { kind: 'cancelled' } : outcome(r);
      } finally {
        mark(server.id, false);
      }
    },
    [mustAsk],
  );

  const cancel = useCallback(async (serverId: string) => {
    cancelled.current.add(serverId);
    await call('auth:cancel-sign-in', { serverId });
  }, []);

  const api = useMemo(() => ({ signIn, cancel, pending }), [signIn, cancel, pending]);
  return (
    <SignInContext.Provider value={api}>
      {children}
      {asking && info?.secretStorage && (
        <StorageSheet
          serverName={asking.name}
          platform={info.platform}
          onChoose={async (choice) => {
            const err = await update({ weakStorage: choice });
            if (err) return err;
            asking.answer(true);
            return undefined;
          }}
          onCancel={() => asking.answer(false)}
        />
      )}
    </SignInContext.Provider>
  );
}

/** The page of a sign-in waiting for the browser (asked again while it waits: it changes on a retry). */
export function useSignInPage(serverId: string, active: boolean): SignInPage | undefined {
  const [page, setPage] = useState<SignInPage | undefined>();
  useEffect(() => {
    if (!active) {
      setPage(undefined);
      return;
    }
    let alive = true;
    const ask = () =>
      void call('auth:sign-in-page', { serverId }).then((r) => {
        if (alive && r.ok) setPage(r.value ?? undefined);
      });
    ask();
    const t = setInterval(ask, 1000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [serverId, active]);
  return page;
}
