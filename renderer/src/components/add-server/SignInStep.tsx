import type { Ref } from 'react';
import type { ServerSummary } from '../../../../common/contract';
import { hostOf } from '../../format';
import { SignInWaiting } from '../SignInWaiting';

interface Props {
  headingRef: Ref<HTMLHeadingElement>;
  server: ServerSummary;
  /** Not saved yet: kept once signed in, or when the user keeps it without. */
  draft: boolean;
  /** Where the user signs in, from the probe, when it said. */
  authorizationServer?: string;
  signingIn: boolean;
  signInError?: string;
  now: number;
  onSignIn: () => void;
  /** Stops the sign-in; a draft is discarded (nothing is left behind). */
  onCancel: () => void;
  /** Keeps the server without signing in (its card offers Sign in later). */
  onKeep: () => void;
}

/**
 * Step 3, when the server needs it: the browser sign-in, started by "Add and sign in". While it
 * waits: Cancel, Open the sign-in page again, Copy link and the time left, all enabled. After a
 * failure: Try again, Keep without signing in, Cancel.
 */
export function SignInStep({ headingRef, server, draft, authorizationServer, signingIn, signInError, now, onSignIn, onCancel, onKeep }: Props) {
  return (
    <div className="card panel add-step" aria-label="Sign in" role="group">
      <h3 className="step-title" ref={headingRef} tabIndex={-1}>
        Sign in to {server.name}
      </h3>
      <p>
        {server.name} wants you to sign in
        {authorizationServer ? (
          <>
            {' '}
            at <strong>{hostOf(authorizationServer)}</strong>
          </>
        ) : null}
        . Switchboard keeps the sign-in and renews it, so your clients never ask.
        {draft && ' It is added once you have signed in.'}
      </p>
      {signingIn ? (
        <SignInWaiting serverId={server.id} serverName={server.name} now={now} onCancel={onCancel}>
          <button type="button" className="btn" onClick={onKeep}>
            Keep without signing in
          </button>
        </SignInWaiting>
      ) : (
        <>
          {signInError && (
            <p className="form-error" role="alert">
              Sign-in did not finish: {signInError}
            </p>
          )}
          <div className="step-actions">
            <button type="button" className="btn btn-ghost" onClick={onCancel}>
              Cancel
            </button>
            <button type="button" className="btn" onClick={onKeep}>
              {draft ? 'Keep without signing in' : 'Sign in later'}
            </button>
            <button type="button" className="btn btn-primary" onClick={onSignIn}>
              {signInError ? 'Try again' : 'Sign in'}
            </button>
          </div>
        </>
      )}
    </div>
  );
}
