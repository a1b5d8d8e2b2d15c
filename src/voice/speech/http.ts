/**
 * The http engine (`--speech-engine http`): each utterance is posted to an operator's endpoint speaking the
 * OpenAI-compatible transcription API, `POST /v1/audio/transcriptions` (whisper.cpp's server, speaches /
 * faster-whisper-server, LocalAI, OpenAI), so a better recognizer than pocketsphinx can run on a GPU box or
 * in a cloud. The form and the answer's reading (confidence included) are in transcription.ts.
 *
 * At most `maxConcurrent` requests are in flight; more wait in order, up to `maxQueued`, then fail 'busy'.
 * A request has `timeoutMs` plus 100 ms per second of audio (a 2-minute transcription gets 22 s by default).
 * The engine gives final results only: partialResultCallback would upload the growing utterance every second.
 * The API key goes in the Authorization header and nowhere else: an error quotes the endpoint without its
 * query string and the first 200 characters of the answer with the key masked.
 */
import { Slots } from './pool.js';
import { baseLanguage, SpeechError, type RecognitionRequest, type RecognitionResult, type SpeechRecognizer } from './recognizer.js';
import { parseTranscription, transcriptionForm } from './transcription.js';

export interface HttpSpeechOptions {
  /** The transcription endpoint, e.g. `http://127.0.0.1:8080/v1/audio/transcriptions`. */
  url: string;
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey?: string | undefined;
  /** `model` when the Gather sets no speechModel; default `whisper-1`. */
  model?: string;
  /** Base languages the endpoint recognizes (`en`, `es`); empty (the default): any. */
  languages?: readonly string[];
  /** Longest wait for an answer, plus 100 ms per second of audio; default 10 s. */
  timeoutMs?: number;
  /** Requests in flight at most; default 2. */
  maxConcurrent?: number;
  /** Recognitions waiting for a request slot before more fail 'busy'; default 50. */
  maxQueued?: number;
}

const EXCERPT_CHARS = 200;
/** Under 0.2 s no word fits (pocketsphinx skips these too), and some APIs refuse audio under 0.1 s. */
const MIN_SAMPLES = 1600;

export class HttpSpeechRecognizer implements SpeechRecognizer {
  readonly name = 'http';
  readonly finalOnly = true;
  /** A private field: never listed when the recognizer is inspected or logged. */
  readonly #apiKey: string | null;
  private readonly url: URL;
  /** The endpoint as errors name it: no query string (some APIs take their key there). */
  private readonly endpoint: string;
  private readonly model: string;
  private readonly languages: ReadonlySet<string>;
  private readonly timeoutMs: number;
  private readonly slots: Slots;
  /** Ends each request in flight, for close(). */
  private readonly inFlight = new Set<(why: SpeechError) => void>();
  private closed = false;

  constructor(options: HttpSpeechOptions) {
    this.url = new URL(options.url);
    this.endpoint = `${this.url.origin}${this.url.pathname}`;
    this.#apiKey = options.apiKey ? options.apiKey : null;
    this.model = options.model ?? 'whisper-1';
    this.languages = new Set((options.languages ?? []).map(baseLanguage));
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.slots = new Slots(options.maxConcurrent ?? 2, options.maxQueued ?? 50);
  }

  supports(language: string): boolean {
    return this.languages.size === 0 || this.languages.has(baseLanguage(language));
  }

  async recognize(request: RecognitionRequest): Promise<RecognitionResult> {
    if (!this.supports(request.language))
      throw new SpeechError('unsupported-language', `the http engine is set up for ${[...this.languages].join(', ')}, not ${request.language}`);
    if (this.closed) throw new SpeechError('engine-failed', 'the recognizer is closed');
    if (request.pcm.length < MIN_SAMPLES) return { text: '', confidence: 0 };
    return this.slots.run(() => this.post(request), request.signal);
  }

  /** Ends the requests in flight; later recognitions fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const end of this.inFlight) end(new SpeechError('engine-failed', 'the recognizer was closed'));
  }

  private async post(request: RecognitionRequest): Promise<RecognitionResult> {
    // Closed while this one waited its turn.
    if (this.closed) throw new SpeechError('engine-failed', 'the recognizer was closed');
    const timeoutMs = Math.round(this.timeoutMs + (request.pcm.length / 8000) * 100);
    const stop = new AbortController();
    let why: SpeechError | null = null;
    const end = (e: SpeechError): void => {
      why ??= e;
      stop.abort();
    };
    const timer = setTimeout(() => end(new SpeechError('timeout', `${this.endpoint} did not answer within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = (): void => end(new SpeechError('aborted', 'the recognition was cancelled'));
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (request.signal?.aborted) onAbort();
    this.inFlight.add(end);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#apiKey !== null) headers['authorization'] = `Bearer ${this.#apiKey}`;
    try {
      // No redirects: a POST with the key is not re-sent to wherever an answer points.
      const res = await fetch(this.url, { method: 'POST', headers, body: transcriptionForm(request, this.model), redirect: 'error', signal: stop.signal });
      const body = await res.text();
      if (!res.ok) throw new SpeechError('engine-failed', `${this.endpoint} answered ${res.status}: ${this.excerpt(body)}`);
      try {
        return parseTranscription(body);
      } catch (err) {
        throw new SpeechError('engine-failed', `${this.endpoint}: ${(err as Error).message}: ${this.excerpt(body)}`);
      }
    } catch (err) {
      if (why !== null) throw why;
      if (err instanceof SpeechError) throw err;
      throw new SpeechError('engine-failed', `could not reach ${this.endpoint}: ${networkCause(err)}`);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      this.inFlight.delete(end);
    }
  }

  /** The start of an answer for an error message, on one line, the key masked first (an API may echo it). */
  private excerpt(body: string): string {
    const masked = this.#apiKey === null ? body : body.split(this.#apiKey).join('***');
    const line = masked.replace(/\s+/g, ' ').trim();
    return line === '' ? '(empty body)' : line.slice(0, EXCERPT_CHARS);
  }
}

/** fetch() rejects with "fetch failed" and the reason (ECONNREFUSED, a bad certificate...) as its cause. */
function networkCause(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
  }
  return err instanceof Error ? err.message : String(err);
}
