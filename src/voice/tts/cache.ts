/**
 * A caching TTS engine: results are kept by (voice, language, text) in an LRU bounded by total audio
 * size, and concurrent requests for the same key share one synthesis. IVR prompts repeat constantly,
 * so this turns most <Say> verbs into a map lookup.
 */
import type { SynthesisRequest, TtsEngine } from './tts.js';

export interface TtsCacheOptions {
  /** Upper bound on cached audio; default 64 MiB (about 70 minutes of 8 kHz PCM16). */
  maxBytes?: number;
}

export class CachedTts implements TtsEngine {
  readonly name: string;
  private readonly entries = new Map<string, Int16Array>();
  private readonly inflight = new Map<string, Promise<Int16Array>>();
  private bytes = 0;
  private readonly maxBytes: number;
  hits = 0;
  misses = 0;

  constructor(
    private readonly engine: TtsEngine,
    options: TtsCacheOptions = {},
  ) {
    this.name = `cached(${engine.name})`;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  }

  static key(r: SynthesisRequest): string {
    return `${(r.voice ?? '').toLowerCase()}\u0000${(r.language ?? '').toLowerCase()}\u0000${r.text}`;
  }

  get size(): number {
    return this.entries.size;
  }

  synthesize(request: SynthesisRequest): Promise<Int16Array> {
    const key = CachedTts.key(request);
    const hit = this.entries.get(key);
    if (hit) {
      this.hits++;
      this.entries.delete(key); // re-insert: Map order is our recency order
      this.entries.set(key, hit);
      return Promise.resolve(hit);
    }
    const pending = this.inflight.get(key);
    if (pending) return pending;
    this.misses++;
    const p = this.engine.synthesize(request).then(
      (pcm) => {
        this.inflight.delete(key);
        this.store(key, pcm);
        return pcm;
      },
      (err: unknown) => {
        this.inflight.delete(key);
        throw err;
      },
    );
    this.inflight.set(key, p);
    return p;
  }

  private store(key: string, pcm: Int16Array): void {
    if (pcm.byteLength > this.maxBytes) return;
    this.entries.set(key, pcm);
    this.bytes += pcm.byteLength;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.byteLength;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
