import type { ProbeResult } from '../../../../common/contract';
import { hostOf, shownUrl, TRANSPORT_LABELS } from '../../format';

/**
 * What the probe found: the address, whether sign-in is needed (and where), the server's own name.
 * How it speaks (transport, protocol) is for the curious, under Details.
 */
export function ProbeFacts({ probe }: { probe: ProbeResult }) {
  return (
    <>
      <dl className="facts" data-testid="probe-result">
        <div>
          <dt>Address</dt>
          <dd className="mono">{shownUrl(probe.url)}</dd>
        </div>
        {probe.serverName && (
          <div>
            <dt>Server</dt>
            <dd>
              {probe.serverName}
              {probe.serverVersion && ` ${probe.serverVersion}`}
            </dd>
          </div>
        )}
        <div>
          <dt>Sign-in</dt>
          <dd data-testid="probe-sign-in">
            {probe.signIn === 'needed'
              ? `Needed — you sign in at ${probe.authorizationServer ? hostOf(probe.authorizationServer) : 'the server’s authorization server'}`
              : probe.signIn === 'not-needed'
                ? 'Not needed'
                : 'Unknown until it is added'}
          </dd>
        </div>
      </dl>
      <details className="details">
        <summary>Details</summary>
        <dl className="facts">
          <div>
            <dt>Transport</dt>
            <dd data-testid="probe-transport">
              {probe.transport ? TRANSPORT_LABELS[probe.transport] : probe.signIn === 'needed' ? 'Known after sign-in' : 'Unknown'}
            </dd>
          </div>
          {probe.protocolVersion && (
            <div>
              <dt>Protocol</dt>
              <dd>{probe.protocolVersion}</dd>
            </div>
          )}
        </dl>
      </details>
    </>
  );
}
