/**
 * Audio for <Play>: fetched over HTTP(S) with a size limit and a timeout, decoded once (WAV or MP3) to
 * 8 kHz PCM16, and kept in an LRU bounded by bytes. IVRs play the same prompts over and over, so most
 * <Play> verbs are a map lookup; Cache-Control no-store/no-cache/max-age are honoured.
 */
import http from 'node:http';
import https from 'node:https';
import { outboundLookup, outboundPolicy } from '../../core/net/outbound-policy.js';
import { decodeMp3To8k, wavToPcm8k } from '../media/index.js';
import { LegAudioError } from '../legs/types.js';

export interface AudioCacheOptions {
  /** Largest file fetched; default 16 MiB (about 17 minutes of 128 kbit/s MP3). */
  maxBytes?: number;
  timeoutMs?: number;
  /** Decoded audio kept; default 64 MiB of PCM16 (about 70 minutes). */
  cacheBytes?: number;
  /** How long an entry without Cache-Control max-age stays fresh; default 5 minutes. */
  defaultTtlMs?: number;
}

interface Entry {
  pcm: Int16Array;
  expires: number;
}

export class AudioCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Int16Array>>();
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private readonly cacheBytes: number;
  private readonly ttlMs: number;

  constructor(options: AudioCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.cacheBytes = options.cacheBytes ?? 64 * 1024 * 1024;
    this.ttlMs = options.defaultTtlMs ?? 300_000;
  }

  /** 8 kHz PCM16 for the URL; throws LegAudioError (fetch or format). */
  get(url: string): Promise<Int16Array> {
    const hit = this.entries.get(url);
    if (hit && hit.expires > Date.now()) {
      this.entries.delete(url); // re-insert: Map order is recency order
      this.entries.set(url, hit);
      return Promise.resolve(hit.pcm);
    }
    const pending = this.inflight.get(url);
    if (pending) return pending;
    const p = this.load(url).finally(() => this.inflight.delete(url));
    this.inflight.set(url, p);
    return p;
  }

  private async load(url: string): Promise<Int16Array> {
    const { data, contentType, ttlMs } = await download(url, this.maxBytes, this.timeoutMs, 0);
    const pcm = await decode(data, contentType);
    if (ttlMs !== 0) this.store(url, pcm, ttlMs ?? this.ttlMs);
    return pcm;
  }

  private store(url: string, pcm: Int16Array, ttlMs: number): void {
    if (pcm.byteLength > this.cacheBytes) return;
    const old = this.entries.get(url);
    if (old) this.bytes -= old.pcm.byteLength;
    this.entries.set(url, { pcm, expires: Date.now() + ttlMs });
    this.bytes += pcm.byteLength;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.cacheBytes) break;
      this.entries.delete(k);
      this.bytes -= v.pcm.byteLength;
    }
  }
}

async function decode(data: Buffer, contentType: string): Promise<Int16Array> {
  const riff = data.length >= 12 && data.toString('ascii', 0, 4) === 'RIFF';
  const mp3 = data.length >= 3 && (data.toString('ascii', 0, 3) === 'ID3' || (data[0] === 0xff && ((data[1] ?? 0) & 0xe0) === 0xe0));
  try {
    if (riff) return wavToPcm8k(data);
    if (mp3 || /mpeg|mp3/i.test(contentType)) return await decodeMp3To8k(data);
  } catch (err) {
    throw new LegAudioError('format', `cannot decode the audio: ${(err as Error).message}`);
  }
  throw new LegAudioError('format', `unsupported audio (${contentType || 'no Content-Type'}): <Play> takes WAV or MP3`);
}

/** Cache lifetime from Cache-Control: 0 for no-store/no-cache, the max-age, or undefined for the default. */
function ttlOf(cacheControl: string | undefined): number | undefined {
  if (!cacheControl) return undefined;
  if (/no-store|no-cache/i.test(cacheControl)) return 0;
  const m = /max-age=(\d+)/i.exec(cacheControl);
  return m ? Number(m[1]) * 1000 : undefined;
}

function download(
  url: string,
  maxBytes: number,
  timeoutMs: number,
  redirects: number,
): Promise<{ data: Buffer; contentType: string; ttlMs: number | undefined }> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return reject(new LegAudioError('fetch', `invalid URL ${url}`));
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return reject(new LegAudioError('fetch', `unsupported scheme ${target.protocol}`));
    // The outbound policy: IP-literal hosts here (Node skips lookup for them), hostnames once resolved.
    const denied = outboundPolicy().checkUrl(target);
    if (denied) return reject(new LegAudioError('fetch', `${url}: ${denied.message}`));
    const req = (target.protocol === 'https:' ? https : http).get(
      target,
      { timeout: timeoutMs, lookup: outboundLookup, headers: { 'User-Agent': 'TwilioProxy/1.1' } },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          if (redirects >= 5) return reject(new LegAudioError('fetch', 'more than 5 redirects'));
          return resolve(download(new URL(res.headers.location, target).toString(), maxBytes, timeoutMs, redirects + 1));
        }
        if (status < 200 || status >= 300) {
          res.resume();
          return reject(new LegAudioError('fetch', `HTTP ${status} from ${url}`));
        }
        if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
          res.destroy();
          return reject(new LegAudioError('fetch', `larger than ${maxBytes} bytes`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            res.destroy();
            reject(new LegAudioError('fetch', `larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          resolve({ data: Buffer.concat(chunks), contentType: res.headers['content-type'] ?? '', ttlMs: ttlOf(res.headers['cache-control']) }),
        );
        res.on('error', (err) => reject(new LegAudioError('fetch', err.message)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => reject(err instanceof LegAudioError ? err : new LegAudioError('fetch', `${url}: ${err.message}`)));
  });
}
