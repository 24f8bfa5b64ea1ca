import type { Ref } from 'react';
import type { ServerSummary } from '../../../../common/contract';
import { hostOf } from '../../format';

interface Props {
  headingRef: Ref<HTMLHeadingElement>;
  server: ServerSummary;
  /** Where the user signs in, from the probe, when it said. */
  authorizationServer?: string;
  signingIn: boolean;
  signInError?: string;
  onSignIn: () => void;
  onSkip: () => void;
}

/** Step 3, when the server needs it: sign in in the browser, or skip for now. */
export function SignInStep({ headingRef, server, authorizationServer, signingIn, signInError, onSignIn, onSkip }: Props) {
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
        . Your browser opens the sign-in page; Switchboard keeps the tokens, so your clients never ask.
      </p>
      {signingIn && (
        <p className="waiting" role="status">
          <span className="spinner" aria-hidden="true" /> Waiting for you to finish in the browser…
        </p>
      )}
      {signInError && (
        <p className="form-error" role="alert">
          Sign-in did not finish: {signInError}
        </p>
      )}
      <div className="step-actions">
        <button type="button" className="btn" onClick={onSkip} disabled={signingIn}>
          Skip for now
        </button>
        <button type="button" className="btn btn-primary" onClick={onSignIn} disabled={signingIn}>
          {signingIn ? 'Waiting for the browser…' : signInError ? 'Try again' : 'Sign in'}
        </button>
      </div>
    </div>
  );
}
