/**
 * The console's only way to the server: same-origin fetch with the session cookie (sent by the browser,
 * never visible here) and the session's CSRF token in a header. The product APIs answer exactly as they
 * answer the SDKs, so every page works off Twilio-shaped JSON.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = '';
let onSignedOut: () => void = () => {};

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when the server stops accepting the session (expired, signed out elsewhere, token rotated). */
export function onSessionLost(handler: () => void): void {
  onSignedOut = handler;
}

type FormValues = Record<string, string | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  form?: FormValues;
  json?: unknown;
  signal?: AbortSignal;
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-switchboard-csrf': csrfToken };
  let body: string | undefined;
  if (opts.form) {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.form)) if (v !== undefined) form.append(k, v);
    body = form.toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  }
  return fetch(path, { method: opts.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, credentials: 'same-origin', signal: opts.signal });
}

async function errorOf(res: Response): Promise<ApiError> {
  let code: number | null = null;
  let message = `${res.status} ${res.statusText}`;
  try {
    const j = (await res.json()) as { code?: unknown; message?: unknown };
    if (typeof j.code === 'number') code = j.code;
    if (typeof j.message === 'string') message = j.message;
  } catch {
    /* not JSON: keep the status line */
  }
  return new ApiError(res.status, code, message);
}

/** JSON from an API path; throws ApiError with Twilio's code and message otherwise. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(path, opts);
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401 && csrfToken !== '') onSignedOut();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Binary content (a recording's audio) through the session, for a blob: URL the page can play. */
export async function apiBlob(path: string): Promise<Blob> {
  const res = await fetch(path, { headers: { 'x-switchboard-csrf': csrfToken }, credentials: 'same-origin' });
  if (!res.ok) throw await errorOf(res);
  return res.blob();
}

/** For modules that may not be enabled: the JSON when the server answers 200, null otherwise. */
export async function probe<T>(path: string): Promise<T | null> {
  const res = await send(path, {});
  if (res.status === 401 && csrfToken !== '') onSignedOut();
  return res.ok ? ((await res.json()) as T) : null;
}

/**
 * Page links as the API gives them: 2010 `next_page_uri` is a path, v1 `meta.next_page_url` is absolute
 * (on the public URL, which may differ from where the browser reached us). Either becomes a local path.
 */
export function nextPath(page: { next_page_uri?: string | null; meta?: { next_page_url: string | null } }): string | null {
  const link = page.next_page_uri ?? page.meta?.next_page_url ?? null;
  if (!link) return null;
  if (link.startsWith('/')) return link;
  const u = new URL(link);
  return u.pathname + u.search;
}

export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

export const enc = encodeURIComponent;
