import { useEffect, useState } from 'preact/hooks';

/**
 * A router in forty lines: the console has a handful of pages, and real paths under /console (the server
 * answers each with index.html) make every view linkable and reloadable.
 */
export const BASE = '/console';

const subscribers = new Set<(p: string) => void>();

function current(): string {
  const p = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '/';
  return p === '' ? '/' : p.replace(/\/$/, '') || '/';
}

window.addEventListener('popstate', () => {
  for (const s of subscribers) s(current());
});

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  const url = BASE + (path === '/' ? '/' : path);
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const s of subscribers) s(current());
}

export function usePath(): string {
  const [path, setPath] = useState(current);
  useEffect(() => {
    subscribers.add(setPath);
    return () => void subscribers.delete(setPath);
  }, []);
  return path;
}

/** Link clicks stay in the page; modified clicks (new tab) keep the browser's behaviour. */
export function onLinkClick(e: MouseEvent, path: string): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(path);
}
