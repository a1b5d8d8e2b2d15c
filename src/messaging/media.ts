import type { Clock } from '../core/clock.js';
import { newSid } from '../core/sid.js';
import type { MediaRepository, MediaRow } from '../store/repositories/media.js';
import type { MessageRow, MessagesRepository } from '../store/repositories/messages.js';
import type { Transactor } from '../store/transactor.js';
import type { WebhookLog } from '../webhooks/log.js';

/** Types carriers accept for MMS (Twilio's "accepted content types", the common part). */
const ACCEPTED = /^(image\/(jpeg|jpg|gif|png|bmp|webp)|audio\/.+|video\/.+|text\/(vcard|x-vcard|plain|calendar|csv|rtf)|application\/(pdf|vcard))$/i;

export type FetchOutcome =
  | { kind: 'ok'; items: { url: string; contentType: string }[] }
  | { kind: 'failed'; errorCode: number; message: string };

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
    private readonly opts: { maxBytes: number; timeoutMs: number; publicUrl: () => string },
  ) {}

  urlFor(mediaSid: string): string {
    return `${this.opts.publicUrl()}/media/${mediaSid}`;
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
    for (const url of urls) {
      const got = await this.download(url);
      if ('errorCode' in got) {
        await this.log.raise({ accountSid: m.account_sid, kind: got.errorCode === 11751 ? 'mediaTooLarge' : 'mediaFetchFailed', detail: `${url}: ${got.message}`, resourceSid: m.sid, requestUrl: url, requestMethod: 'GET' });
        return { kind: 'failed', errorCode: got.errorCode, message: got.message };
      }
      rows.push({ sid: newSid('ME'), account_sid: m.account_sid, message_sid: m.sid, content_type: got.contentType, size: got.data.length, data: got.data, date_created: now, date_updated: now });
    }
    await this.tx.transaction(async (trx) => {
      await this.media.insert(rows, trx);
      await this.messages.update(m.sid, { media_urls: null, num_media: rows.length }, trx);
    });
    return { kind: 'ok', items: rows.map((r) => ({ url: this.urlFor(r.sid), contentType: r.content_type })) };
  }

  /** Stores media that arrived with an inbound message (already in hand, e.g. from another account's MMS). */
  async storeInbound(accountSid: string, messageSid: string, items: { url: string; contentType: string }[]): Promise<{ url: string; contentType: string }[]> {
    const out = [];
    const now = this.clock.now();
    for (const item of items) {
      const got = await this.download(item.url);
      if ('errorCode' in got) continue;
      const sid = newSid('ME');
      await this.media.insert([{ sid, account_sid: accountSid, message_sid: messageSid, content_type: got.contentType, size: got.data.length, data: got.data, date_created: now, date_updated: now }]);
      out.push({ url: this.urlFor(sid), contentType: got.contentType });
    }
    return out;
  }

  private async download(url: string): Promise<{ data: Buffer; contentType: string } | { errorCode: number; message: string }> {
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.opts.timeoutMs), redirect: 'follow' });
    } catch (err) {
      return { errorCode: 12300, message: `fetch failed: ${(err as Error).message}` };
    }
    if (!res.ok) return { errorCode: 12300, message: `HTTP ${res.status}` };
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!ACCEPTED.test(contentType)) {
      await res.body?.cancel().catch(() => undefined);
      return { errorCode: 12300, message: `unsupported content type ${contentType || '(none)'}` };
    }
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > this.opts.maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      return { errorCode: 11751, message: `larger than ${this.opts.maxBytes} bytes` };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body ?? []) {
      size += (chunk as Uint8Array).byteLength;
      if (size > this.opts.maxBytes) return { errorCode: 11751, message: `larger than ${this.opts.maxBytes} bytes` };
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    return { data: Buffer.concat(chunks), contentType };
  }
}
