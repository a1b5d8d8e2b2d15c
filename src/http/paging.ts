import { errors } from '../core/errors.js';
import type { Cursor, Page, PageQuery } from '../store/paging.js';
import { ParamReader, type Params } from './params.js';

export interface PageParams extends PageQuery {
  readonly page: number;
}

/** Page tokens are opaque to clients: "PA" + base64url of the cursor. */
export function encodePageToken(cursor: Cursor): string {
  const raw = JSON.stringify([cursor.direction === 'next' ? 'n' : 'p', cursor.dateCreated, cursor.sid]);
  return 'PA' + Buffer.from(raw).toString('base64url');
}

export function decodePageToken(token: string): Cursor {
  try {
    if (!token.startsWith('PA')) throw new Error('prefix');
    const parsed: unknown = JSON.parse(Buffer.from(token.slice(2), 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 3 &&
      (parsed[0] === 'n' || parsed[0] === 'p') &&
      typeof parsed[1] === 'number' &&
      Number.isFinite(parsed[1]) &&
      typeof parsed[2] === 'string' &&
      parsed[2].length <= 64
    ) {
      return { direction: parsed[0] === 'n' ? 'next' : 'prev', dateCreated: parsed[1], sid: parsed[2] };
    }
  } catch {
    /* fall through to the API error */
  }
  throw errors.invalidPageToken();
}

export function readPageParams(params: Params): PageParams {
  const p = new ParamReader(params);
  const pageSize = p.int('PageSize') ?? 50;
  if (pageSize < 1 || pageSize > 1000) throw errors.invalidPageSize();
  const page = p.int('Page', { min: 0 }) ?? 0;
  const token = p.str('PageToken');
  const cursor = token ? decodePageToken(token) : undefined;
  // Without a token there is no position to resume from: a page number alone would silently repeat page 0.
  if (page > 0 && !cursor) throw errors.invalidPageToken();
  return { pageSize, page, cursor };
}

interface Keyed {
  date_created: number;
  sid: string;
}

export interface PageLinks {
  first: string;
  next: string | null;
  previous: string | null;
  current: string;
}

/** Builds first/next/previous links from a base path + the filters to keep (PageSize, filters, not tokens). */
export function pageLinks<T extends Keyed>(base: string, keep: Params, req: PageParams, page: Page<T>): PageLinks {
  const query = (extra: Record<string, string>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(keep)) {
      if (v === undefined || k === 'Page' || k === 'PageToken' || k === 'PageSize') continue;
      for (const item of Array.isArray(v) ? v : [v]) q.append(k, item);
    }
    q.set('PageSize', String(req.pageSize));
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return `${base}?${q.toString()}`;
  };
  const last = page.items[page.items.length - 1];
  const first = page.items[0];
  const token = (row: Keyed, direction: 'next' | 'prev') => encodePageToken({ dateCreated: row.date_created, sid: row.sid, direction });
  return {
    first: query({ Page: '0' }),
    current: query(req.cursor ? { Page: String(req.page), PageToken: encodePageToken(req.cursor) } : { Page: String(req.page) }),
    next: page.hasNext && last ? query({ Page: String(req.page + 1), PageToken: token(last, 'next') }) : null,
    previous: page.hasPrev && first && req.page > 0 ? query({ Page: String(req.page - 1), PageToken: token(first, 'prev') }) : null,
  };
}

/** The 2010 API's list envelope: relative URIs. */
export function envelope2010<T extends Keyed, J>(key: string, base: string, keep: Params, req: PageParams, page: Page<T>, present: (row: T) => J) {
  const links = pageLinks(base, keep, req, page);
  const start = req.page * req.pageSize;
  return {
    [key]: page.items.map(present),
    first_page_uri: links.first,
    next_page_uri: links.next,
    previous_page_uri: links.previous,
    uri: links.current,
    page: req.page,
    page_size: req.pageSize,
    start,
    end: start + Math.max(page.items.length - 1, 0),
  };
}

/** The v1/v2 products' envelope: absolute URLs under `meta`. */
export function envelopeV1<T extends Keyed, J>(
  key: string,
  origin: string,
  base: string,
  keep: Params,
  req: PageParams,
  page: Page<T>,
  present: (row: T) => J,
) {
  const links = pageLinks(base, keep, req, page);
  const abs = (u: string | null) => (u === null ? null : origin + u);
  return {
    [key]: page.items.map(present),
    meta: {
      page: req.page,
      page_size: req.pageSize,
      first_page_url: abs(links.first),
      previous_page_url: abs(links.previous),
      url: abs(links.current),
      next_page_url: abs(links.next),
      key,
    },
  };
}
