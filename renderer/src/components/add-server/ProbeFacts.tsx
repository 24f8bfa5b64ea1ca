import type { ProbeResult } from '../../../../common/contract';
import { hostOf, shownUrl, TRANSPORT_LABELS } from '../../format';

/** What the probe found: address, reachable, transport, sign-in (and where), the server's own name. */
export function ProbeFacts({ probe }: { probe: ProbeResult }) {
  return (
    <dl className="facts" data-testid="probe-result">
      <div>
        <dt>Address</dt>
        <dd className="mono">{shownUrl(probe.url)}</dd>
      </div>
      <div>
        <dt>Reachable</dt>
        <dd className={probe.reachable ? 'fact-ok' : 'fact-bad'}>{probe.reachable ? 'Yes' : 'No'}</dd>
      </div>
      <div>
        <dt>Transport</dt>
        <dd>{probe.transport ? TRANSPORT_LABELS[probe.transport] : probe.signIn === 'needed' ? 'Known after sign-in' : 'Unknown'}</dd>
      </div>
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
      {probe.serverName && (
        <div>
          <dt>Server</dt>
          <dd>
            {probe.serverName}
            {probe.serverVersion && ` ${probe.serverVersion}`}
            {probe.protocolVersion && <span className="muted"> · protocol {probe.protocolVersion}</span>}
          </dd>
        </div>
      )}
    </dl>
  );
}
