import { useId, type Dispatch } from 'react';
import type { SignInMode } from '../../../../common/contract';
import { NetworkFields } from '../NetworkFields';
import type { AccessDraft, AddFlowAction } from './add-flow-state';

interface Props {
  access: AccessDraft;
  dispatch: Dispatch<AddFlowAction>;
}

const MODES: ReadonlyArray<{ value: SignInMode; label: string }> = [
  { value: 'browser', label: 'In the browser (you sign in)' },
  { value: 'client-credentials', label: 'As an app (client credentials, no user)' },
  { value: 'enterprise', label: "Through your company's identity provider" },
];

/**
 * Advanced ▸ sign-in without a user (client credentials with the client above and its secret or a
 * private key; enterprise-managed through the identity provider of Settings ▸ Company sign-in)
 * and the network (NetworkFields: a proxy of its own, or none; a CA file to trust). Secrets typed
 * here go to the vault and are never shown again.
 */
export function AccessFields({ access, dispatch }: Props) {
  const modeId = useId();
  const keyId = useId();
  const edit = (patch: Partial<AccessDraft>) => dispatch({ type: 'access-edited', patch });
  return (
    <>
      <fieldset className="fieldset">
        <legend>Sign-in</legend>
        <label className="field" htmlFor={modeId}>
          <span>How MCP Switchboard gets tokens</span>
          <select id={modeId} value={access.signIn} onChange={(e) => edit({ signIn: e.target.value as SignInMode })}>
            {MODES.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        {access.signIn === 'client-credentials' && (
          <>
            <p className="muted small">Uses the client ID above with its secret, or with a private key (private_key_jwt).</p>
            <label className="field" htmlFor={keyId}>
              <span>
                Private key <em>PEM, instead of a secret</em>
              </span>
              <textarea
                id={keyId}
                rows={3}
                spellCheck={false}
                autoComplete="off"
                placeholder="-----BEGIN PRIVATE KEY-----"
                value={access.privateKey}
                onChange={(e) => edit({ privateKey: e.target.value })}
              />
            </label>
          </>
        )}
        {access.signIn === 'enterprise' && (
          <p className="muted small">
            Enter the client ID (and secret) this server&apos;s authorization server issued to MCP Switchboard above; set up your company&apos;s identity
            provider once in Settings ▸ Company sign-in.
          </p>
        )}
      </fieldset>
      <NetworkFields proxy={access.proxy} caFile={access.caFile} onChange={edit} />
    </>
  );
}
