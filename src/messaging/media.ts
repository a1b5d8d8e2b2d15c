import type { Clock } from '../core/clock.js';
import { codes } from '../core/errors.js';
import { newSid } from '../core/sid.js';
import type { MediaRepository, MediaRow } from '../store/repositories/media.js';
import type { MessageRow, MessagesRepository } from '../store/repositories/messages.js';
import type { Transactor } from '../store/transactor.js';
import { httpRequest, type HttpResponse } from '../webhooks/http.js';
import type { WebhookLog } from '../webhooks/log.js';

/** Types carriers accept for MMS (Twilio's "accepted content types", the common part). */
const ACCEPTED = /^(image\/(jpeg|jpg|gif|png|bmp|webp)|audio\/.+|video\/.+|text\/(vcard|x-vcard|plain|calendar|csv|rtf)|application\/(pdf|vcard))$/i;

/**
 * Media arriving with an inbound message. `copyOf` marks media already in our own store, sent by another of
 * our accounts: it is copied, not fetched back over HTTP, which `--media-auth` or the outbound policy would
 * (rightly) refuse. Only internal delivery sets it, naming the sending account, so a user-supplied URL can
 * never copy someone else's media.
 */
export interface InboundMedia {
  url: string;
  contentType: string;
  copyOf?: { sid: string; accountSid: string };
}

export type FetchOutcome = { kind: 'ok'; items: { url: string; contentType: string }[] } | { kind: 'failed'; errorCode: number; message: string };

/**
 * Fetches a message's MediaUrl values once, checks size and type, and stores them; afterwards the media is
 * served by Switchboard at `<public url>/media/<ME sid>` (an unguessable capability URL, as Twilio's are).
 */
export class MediaFetcher {
  constructor(
    private readonly media: MediaRepository,
    private readonly messages: MessagesRepository,
    private readonly tx: Transactor,
    private readonly log: WebhookLog,
    private readonly clock: Clock,
    /** timeoutMs bounds all of one message's media together (every URL, redirect and byte), not just idle time. */
    private readonly opts: { maxBytes: number; timeoutMs: number; publicUrl: () => string },
  ) {}

  urlFor(mediaSid: string): string {
    return `${this.opts.publicUrl()}/media/${mediaSid}`;
  }

  /** The ME SID when the URL is one of this server's media URLs (`<public url>/media/ME...`). */
  ownMediaSid(url: string): string | undefined {
    const prefix = `${this.opts.publicUrl()}/media/`;
    const rest = url.startsWith(prefix) ? url.slice(prefix.length) : '';
    return /^ME[0-9a-f]{32}$/.test(rest) ? rest : undefined;
  }

  /** Whether the message still has media to download (slow work, kept out of the send batch). */
  needsFetch(m: MessageRow): boolean {
    return m.num_media > 0 && m.media_urls !== null;
  }

  async ensureFetched(m: MessageRow): Promise<FetchOutcome> {
    if (m.num_media === 0) return { kind: 'ok', items: [] };
    if (m.media_urls === null) {
      const stored = await this.media.listForMessage(m.sid);
      return { kind: 'ok', items: stored.map((s) => ({ url: this.urlFor(s.sid), contentType: s.content_type })) };
    }
    const urls = JSON.parse(m.media_urls) as string[];
    const rows: MediaRow[] = [];
    const now = this.clock.now();
    const until = Date.now() + this.opts.timeoutMs;
    for (const url of urls) {
      const got = await this.download(url, until);
      if ('errorCode' in got) {
        await this.log.raise({
          accountSid: m.account_sid,
          kind: got.errorCode === codes.mediaTooLarge ? 'mediaTooLarge' : 'mediaFetchFailed',
          detail: `${url}: ${got.message}`,
          resourceSid: m.sid,
          requestUrl: url,
          requestMethod: 'GET',
        });
        return { kind: 'failed', errorCode: got.errorCode, message: got.message };
      }
      rows.push({
        sid: newSid('ME'),
        account_sid: m.account_sid,
        message_sid: m.sid,
        content_type: got.contentType,
        size: got.data.length,
        data: got.data,
        date_created: now,
        date_updated: now,
      });
    }
    await this.tx.transaction(async (trx) => {
      await this.media.insert(rows, trx);
      await this.messages.update(m.sid, { media_urls: null, num_media: rows.length }, trx);
    });
    return { kind: 'ok', items: rows.map((r) => ({ url: this.urlFor(r.sid), contentType: r.content_type })) };
  }

  /** Stores media that arrived with an inbound message (already in hand, e.g. from another account's MMS). */
  async storeInbound(accountSid: string, messageSid: string, items: InboundMedia[]): Promise<{ url: string; contentType: string }[]> {
    const out = [];
    const now = this.clock.now();
    const until = Date.now() + this.opts.timeoutMs;
    for (const item of items) {
      const got = item.copyOf ? await this.copy(item.copyOf) : await this.download(item.url, until);
      if ('errorCode' in got) continue;
      const sid = newSid('ME');
      await this.media.insert([
        {
          sid,
          account_sid: accountSid,
          message_sid: messageSid,
          content_type: got.contentType,
          size: got.data.length,
          data: got.data,
          date_created: now,
          date_updated: now,
        },
      ]);
      out.push({ url: this.urlFor(sid), contentType: got.contentType });
    }
    return out;
  }

  private async copy(source: { sid: string; accountSid: string }): Promise<{ data: Buffer; contentType: string } | { errorCode: number; message: string }> {
    const row = await this.media.findContent(source.sid);
    if (!row || row.account_sid !== source.accountSid) return { errorCode: codes.mediaFetchFailed, message: `media ${source.sid} not found` };
    return { data: Buffer.from(row.data), contentType: row.content_type };
  }

  private async download(url: string, until: number): Promise<{ data: Buffer; contentType: string } | { errorCode: number; message: string }> {
    const left = until - Date.now();
    if (left <= 0) return { errorCode: codes.mediaFetchFailed, message: `not fetched within ${this.opts.timeoutMs} ms` };
    let res: HttpResponse;
    try {
      res = await httpRequest(url, {
        method: 'GET',
        headers: { Accept: '*/*', 'User-Agent': 'Switchboard media fetcher' },
        body: '',
        timeoutMs: left,
        deadlineMs: left,
        maxBytes: this.opts.maxBytes,
      });
    } catch (err) {
      return { errorCode: codes.mediaFetchFailed, message: `fetch failed: ${(err as Error).message}` };
    }
    if (res.status < 200 || res.status >= 300) return { errorCode: codes.mediaFetchFailed, message: `HTTP ${res.status}` };
    const contentType = (res.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (!ACCEPTED.test(contentType)) return { errorCode: codes.mediaFetchFailed, message: `unsupported content type ${contentType || '(none)'}` };
    if (res.bytes === undefined) return { errorCode: codes.mediaTooLarge, message: `larger than ${this.opts.maxBytes} bytes` };
    return { data: res.bytes, contentType };
  }
}
