import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, nextPath } from './api.js';

export interface Keyed {
  sid: string;
}

export interface PagedList<T extends Keyed> {
  items: T[];
  next: string | null;
  loading: boolean;
  error: string | null;
  loadMore(): Promise<void>;
  /** Refetches the first page and merges it: new rows go on top, known rows are replaced in place. */
  refreshHead(): Promise<void>;
  /** Puts one fresh record in the list: replaced where it is, or added on top. */
  upsert(item: T): void;
}

/** Merges `head` (a fresh first page, newest first) into `items` without losing rows loaded further down. */
export function mergeHead<T extends Keyed>(items: T[], head: T[]): T[] {
  const fresh = new Map(head.map((h) => [h.sid, h]));
  const kept = items.map((i) => fresh.get(i.sid) ?? i);
  const known = new Set(items.map((i) => i.sid));
  return [...head.filter((h) => !known.has(h.sid)), ...kept];
}

/**
 * A list read page by page through the API's own next-page links. Only what the person scrolled to is
 * loaded, live changes are merged instead of reloading, so a list of thousands stays cheap and correct.
 * `url` null means "nothing to load yet"; a changed url starts over.
 */
export function usePaged<T extends Keyed>(url: string | null, pick: (page: unknown) => T[]): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Answers for an old url (filters changed mid-flight) must not land in the new list.
  const generation = useRef(0);
  const pickRef = useRef(pick);
  pickRef.current = pick;

  const fetchPage = useCallback(async (path: string) => {
    const page = await api<{ next_page_uri?: string | null; meta?: { next_page_url: string | null } }>(path);
    return { rows: pickRef.current(page), next: nextPath(page) };
  }, []);

  useEffect(() => {
    const gen = ++generation.current;
    setItems([]);
    setNext(null);
    setError(null);
    if (url === null) return;
    setLoading(true);
    fetchPage(url)
      .then(
        (p) => {
          if (gen !== generation.current) return;
          setItems(p.rows);
          setNext(p.next);
        },
        (e: unknown) => gen === generation.current && setError(String((e as Error).message)),
      )
      .finally(() => gen === generation.current && setLoading(false));
  }, [url, fetchPage]);

  const loadMore = useCallback(async () => {
    if (!next) return;
    const gen = generation.current;
    setLoading(true);
    try {
      const p = await fetchPage(next);
      if (gen !== generation.current) return;
      // A row can reappear on the next page if it moved while we read (a new row pushed it down): keep one.
      setItems((cur) => {
        const known = new Set(cur.map((c) => c.sid));
        return [...cur, ...p.rows.filter((r) => !known.has(r.sid))];
      });
      setNext(p.next);
    } catch (e) {
      if (gen === generation.current) setError(String((e as Error).message));
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  }, [next, fetchPage]);

  const refreshHead = useCallback(async () => {
    if (url === null) return;
    const gen = generation.current;
    try {
      const p = await fetchPage(url);
      if (gen !== generation.current) return;
      setItems((cur) => mergeHead(cur, p.rows));
      // With nothing loaded past page one yet, the head's own next link is the right one.
      setNext((cur) => cur ?? p.next);
    } catch (e) {
      if (gen === generation.current) setError(String((e as Error).message));
    }
  }, [url, fetchPage]);

  const upsert = useCallback((item: T) => setItems((cur) => mergeHead(cur, [item])), []);

  return { items, next, loading, error, loadMore, refreshHead, upsert };
}

/**
 * Collects record ids from live events and flushes them together a moment later: a burst of events
 * becomes one pass, and past `max` ids one refetch of the first page is cheaper than one request each.
 */
export function useBatcher(flush: (ids: string[], overflow: boolean) => void, max = 20, delayMs = 150): (id: string) => void {
  const pending = useRef(new Set<string>());
  const timer = useRef<number | undefined>(undefined);
  const flushRef = useRef(flush);
  flushRef.current = flush;
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return useCallback(
    (id: string) => {
      pending.current.add(id);
      if (timer.current !== undefined) return;
      timer.current = window.setTimeout(() => {
        timer.current = undefined;
        const ids = [...pending.current];
        pending.current.clear();
        flushRef.current(ids, ids.length > max);
      }, delayMs);
    },
    [max, delayMs],
  );
}
