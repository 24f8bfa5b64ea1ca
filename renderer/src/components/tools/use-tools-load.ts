import { useCallback, useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import type { Result } from '../../../../common/contract';
import { on } from '../../api';

export type Load<T> = { kind: 'loading' } | { kind: 'ready'; value: T } | { kind: 'failed'; error: string };

/**
 * What a tools panel shows, loaded by `fetch` and again on every `tools:did-change` (of `serverId`
 * only, when given) or change of `deps`. The setter lets an action put its answer in place.
 */
export function useToolsLoad<T>(
  fetch: () => Promise<Result<T>>,
  serverId: string | undefined,
  deps: readonly unknown[],
): [Load<T>, Dispatch<SetStateAction<Load<T>>>] {
  const [load, setLoad] = useState<Load<T>>({ kind: 'loading' });
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `fetch` is new each render; `deps` says when it differs
  const refresh = useCallback(fetch, deps);
  useEffect(() => {
    let live = true;
    const reload = () => void refresh().then((r) => live && setLoad(r.ok ? { kind: 'ready', value: r.value } : { kind: 'failed', error: r.error }));
    const off = on('tools:did-change', (e) => (serverId === undefined || e.serverId === serverId) && reload());
    reload();
    return () => {
      live = false;
      off();
    };
  }, [refresh, serverId]);
  return [load, setLoad];
}
