import { useId, type ReactNode } from 'react';

export interface NetworkDraft {
  /** '' (the system's settings), 'direct', or a proxy URL (a password in it goes to the vault). */
  proxy: string;
  /** A PEM file's absolute path, or ''. */
  caFile: string;
}

interface Props extends NetworkDraft {
  onChange: (patch: Partial<NetworkDraft>) => void;
  /** Said under the fields (the Edit form: what the server uses now). */
  children?: ReactNode;
}

/**
 * A server's own network, in the add flow's Advanced section and in its Edit form: a proxy of its
 * own (or none), a CA file to trust. A password typed in the proxy URL is kept in the vault and
 * never shown again.
 */
export function NetworkFields({ proxy, caFile, onChange, children }: Props) {
  const proxyId = useId();
  const caId = useId();
  return (
    <fieldset className="fieldset">
      <legend>Network</legend>
      <div className="two-fields">
        <label className="field" htmlFor={proxyId}>
          <span>
            Proxy <em>empty: the system&apos;s settings</em>
          </span>
          <input
            id={proxyId}
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="direct, or http://proxy.example.com:3128"
            value={proxy}
            onChange={(e) => onChange({ proxy: e.target.value })}
          />
        </label>
        <label className="field" htmlFor={caId}>
          <span>
            CA certificate file <em>PEM, optional</em>
          </span>
          <input
            id={caId}
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="/path/to/company-root.pem"
            value={caFile}
            onChange={(e) => onChange({ caFile: e.target.value })}
          />
        </label>
      </div>
      {children}
      <p className="muted small">A proxy password written in the URL (http://user:password@host:port) is kept in the app&apos;s vault.</p>
    </fieldset>
  );
}
