import { useEffect, useId, useRef, useState } from 'react';
import type { RegistryEntry, RegistryPage, RegistrySource } from '../../../../common/contract';
import { call } from '../../api';

/** One registry's part of the results: loading, its entries so far, or why it failed. */
interface SourceResults {
  source: RegistrySource;
  loading: boolean;
  entries: RegistryEntry[];
  nextCursor?: string;
  error?: string;
  skipped: number;
  localOnly: number;
}

const DEBOUNCE_MS = 300;

interface Props {
  onPick: (entry: RegistryEntry) => void;
  autoFocus?: boolean;
}

/**
 * Search the registries of Settings ▸ Registries by name: each registry is asked on its own, so
 * its results appear as soon as it answers; a slow one shows its spinner, a failing one its
 * sentence, and neither holds up the others. Everything shown is text (the core cleaned it); the
 * repository link opens through the core, never from the page.
 */
export function RegistrySearch({ onPick, autoFocus }: Props) {
  const inputId = useId();
  const [query, setQuery] = useState('');
  const [sources, setSources] = useState<RegistrySource[] | undefined>();
  const [sourcesError, setSourcesError] = useState<string | undefined>();
  const [results, setResults] = useState<SourceResults[]>([]);
  /** Answers to an older query are dropped. */
  const generation = useRef(0);

  useEffect(() => {
    void call('registry:sources', undefined).then((r) => (r.ok ? setSources(r.value.filter((s) => s.enabled)) : setSourcesError(r.error)));
  }, []);

  useEffect(() => {
    const q = query.trim();
    const gen = ++generation.current;
    if (!sources || q.length < 2) {
      setResults([]);
      return;
    }
    setResults(sources.map((source) => ({ source, loading: true, entries: [], skipped: 0, localOnly: 0 })));
    const timer = setTimeout(() => {
      for (const source of sources) void load(gen, source, q);
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, sources]);

  async function load(gen: number, source: RegistrySource, q: string, cursor?: string) {
    const r = await call('registry:search', cursor ? { registryId: source.id, query: q, cursor } : { registryId: source.id, query: q });
    if (gen !== generation.current) return;
    setResults((all) => all.map((x) => (x.source.id === source.id ? merge(x, r.ok ? r.value : undefined, r.ok ? undefined : r.error) : x)));
  }

  function more(x: SourceResults) {
    setResults((all) => all.map((y) => (y.source.id === x.source.id ? { ...y, loading: true } : y)));
    void load(generation.current, x.source, query.trim(), x.nextCursor);
  }

  const anyLoading = results.some((r) => r.loading);
  const names = listed(sources?.map((s) => s.name) ?? []);
  return (
    <div className="registry-search" data-testid="registry-search">
      <label className="field" htmlFor={inputId}>
        <span>Search {names ? names : 'registries'}</span>
        <input
          id={inputId}
          type="search"
          autoComplete="off"
          spellCheck={false}
          placeholder="A name: GitHub, Linear, weather…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          // Enter searches (it already does as you type); it must not submit the address form around it.
          onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
          autoFocus={autoFocus}
          data-autofocus={autoFocus ? '' : undefined}
          disabled={sources?.length === 0}
        />
      </label>
      {sourcesError && <p className="muted small">Search is not available here: {sourcesError}</p>}
      {sources?.length === 0 && (
        <p className="muted small">No registry is turned on: add or turn one on in Settings ▸ Registries, or paste an address below.</p>
      )}
      <div className="registry-results-all" aria-live="polite" aria-busy={anyLoading}>
        {results.map((x) => (
          <section key={x.source.id} className="registry-results" aria-label={`Results from ${x.source.name}`} data-testid="registry-results">
            <h4 className="registry-results-head">
              <span>{x.source.name}</span>
              {x.loading && (
                <span className="muted small registry-loading" role="status">
                  <span className="spinner" aria-hidden="true" /> Searching…
                </span>
              )}
              {!x.loading && !x.error && (
                <span className="muted small">
                  {x.entries.length === 0 ? 'no servers with a remote address' : `${x.entries.length}${x.nextCursor ? '+' : ''} found`}
                </span>
              )}
            </h4>
            {x.error && (
              <p className="form-error" role="alert" data-testid="registry-error">
                {x.error}
              </p>
            )}
            {x.entries.length > 0 && (
              <ul className="registry-list">
                {x.entries.map((e) => (
                  <ResultRow key={`${e.name}@${e.version}`} entry={e} onPick={() => onPick(e)} />
                ))}
              </ul>
            )}
            {(x.localOnly > 0 || x.skipped > 0) && !x.loading && (
              <p className="muted small">
                {x.localOnly > 0 && `${x.localOnly} more run only on this computer (packages), which this app does not add. `}
                {x.skipped > 0 && `${x.skipped} left out: their entries do not match the registry schema.`}
              </p>
            )}
            {x.nextCursor && !x.loading && (
              <button type="button" className="btn btn-small" onClick={() => more(x)}>
                Show more from {x.source.name}
              </button>
            )}
          </section>
        ))}
      </div>
    </div>
  );
}

/** "A", "A and B", "A, B and C". */
function listed(names: string[]): string {
  return names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function merge(x: SourceResults, page: RegistryPage | undefined, error: string | undefined): SourceResults {
  if (!page) return { ...x, loading: false, error };
  const { nextCursor: _old, ...rest } = x;
  return {
    ...rest,
    loading: false,
    error: undefined,
    entries: [...x.entries, ...page.entries],
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    skipped: x.skipped + page.skipped.length,
    localOnly: x.localOnly + page.localOnly,
  };
}

/** What an entry asks for, in a few words: "2 headers, 1 secret". */
export function asksFor(entry: RegistryEntry): string | undefined {
  const r = entry.remotes[0]!;
  const headers = r.headers.length;
  const secrets = r.headers.filter((h) => h.secret).length;
  const vars = r.variables.length;
  const parts: string[] = [];
  if (headers) parts.push(`${headers} header${headers > 1 ? 's' : ''}${secrets ? ` (${secrets} secret)` : ''}`);
  if (vars) parts.push(`${vars} address part${vars > 1 ? 's' : ''} to fill in`);
  return parts.length ? `Asks for ${parts.join(' and ')}` : undefined;
}

export const TRANSPORT_WORDS = { 'streamable-http': 'Streamable HTTP', sse: 'HTTP + SSE (older)' } as const;

function ResultRow({ entry, onPick }: { entry: RegistryEntry; onPick: () => void }) {
  const title = entry.title ?? entry.name.split('/')[1] ?? entry.name;
  const asks = asksFor(entry);
  return (
    <li className="registry-item" data-testid="registry-item">
      <div className="registry-item-main">
        <div className="registry-item-title">
          <strong>{title}</strong> <code className="small">{entry.name}</code>
          {entry.status === 'deprecated' && <span className="badge badge-warn">Deprecated</span>}
        </div>
        {entry.description && <p className="registry-item-desc">{entry.description}</p>}
        <p className="muted small registry-item-meta">
          {entry.publisher} · v{entry.version} · {TRANSPORT_WORDS[entry.remotes[0]!.transport]}
          {asks && ` · ${asks}`}
        </p>
      </div>
      <div className="registry-item-actions">
        <button type="button" className="btn btn-small btn-primary" onClick={onPick} aria-label={`Use ${title}`}>
          Use
        </button>
        {entry.repositoryUrl && <SourceLink entry={entry} />}
      </div>
    </li>
  );
}

/** Opens the entry's repository in the browser, through the core (which only opens http(s) links a registry sent). */
export function SourceLink({ entry }: { entry: RegistryEntry }) {
  const [error, setError] = useState<string | undefined>();
  return (
    <>
      <button
        type="button"
        className="btn btn-small btn-ghost"
        title={entry.repositoryUrl}
        onClick={() =>
          void call('registry:open-link', { registryId: entry.registryId, name: entry.name, which: 'repository' }).then((r) =>
            setError(r.ok ? undefined : r.error),
          )
        }
      >
        Source
      </button>
      {error && (
        <span className="form-error small" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
