/**
 * A caching TTS engine: results are kept by (voice, language, text) in an LRU bounded by total audio
 * size, and concurrent requests for the same key share one synthesis. IVR prompts repeat constantly,
 * so this turns most <Say> verbs into a map lookup.
 */
import { Lru } from '../../core/lru.js';
import type { SynthesisRequest, TtsEngine } from './tts.js';

export interface TtsCacheOptions {
  /** Upper bound on cached audio; default 64 MiB (about 70 minutes of 8 kHz PCM16). */
  maxBytes?: number;
}

export class CachedTts implements TtsEngine {
  readonly name: string;
  /** Results by key, weighed by their bytes. */
  private readonly entries: Lru<Int16Array>;
  private readonly inflight = new Map<string, Promise<Int16Array>>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly engine: TtsEngine,
    options: TtsCacheOptions = {},
  ) {
    this.name = `cached(${engine.name})`;
    this.entries = new Lru(options.maxBytes ?? 64 * 1024 * 1024);
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
      return Promise.resolve(hit.value);
    }
    const pending = this.inflight.get(key);
    if (pending) return pending;
    this.misses++;
    const p = this.engine.synthesize(request).then(
      (pcm) => {
        this.inflight.delete(key);
        this.entries.set(key, pcm, pcm.byteLength);
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

  clear(): void {
    this.entries.clear();
  }
}
