/**
 * The OpenAI-compatible transcription API as the http engine speaks it (`POST /v1/audio/transcriptions`):
 * the multipart form it sends and how it reads the answer. Pure functions, apart from the request itself
 * (http.ts), so each rule is tested alone.
 */
import { writeWav } from '../media/index.js';
import { baseLanguage, normalizeText, SpeechError, type RecognitionRequest, type RecognitionResult } from './recognizer.js';

/**
 * The form: the utterance as a WAV (8 kHz mono PCM16, as heard on the call: no resampling here, the engines
 * resample themselves), the model, the language, the hints as a prompt (Whisper-style engines read it as
 * the text that came before, which leans them toward its words and spellings), verbose_json for the
 * segments' log probabilities, and temperature 0 for one deterministic decoding pass.
 */
export function transcriptionForm(request: RecognitionRequest, defaultModel: string): FormData {
  const form = new FormData();
  form.append('file', new Blob([writeWav(request.pcm)], { type: 'audio/wav' }), 'utterance.wav');
  form.append('model', engineModel(request.model, defaultModel));
  form.append('language', baseLanguage(request.language));
  // Twilio's class tokens ($OOV_CLASS_DIGIT_SEQUENCE...) are grammar, not words: a prompt would only confuse.
  const prompt = request.hints
    .map((h) => h.trim())
    .filter((h) => h !== '' && !h.startsWith('$'))
    .join(', ');
  if (prompt !== '') form.append('prompt', prompt);
  form.append('response_format', 'verbose_json');
  form.append('temperature', '0');
  return form;
}

/**
 * Twilio's own speechModel names, which Twilio apps set as a matter of course (`phone_call` with
 * `enhanced`) and no transcription server knows: they mean "the operator's default". Any other name is
 * the operator's (`large-v3`, `Systran/faster-whisper-small`) and is sent as it is.
 */
const TWILIO_MODELS = new Set(['default', 'numbers_and_commands', 'phone_call', 'experimental_conversations', 'experimental_utterances']);
const TWILIO_MODEL_FAMILIES = /^(googlev2|deepgram)[_-]/i;

export function engineModel(speechModel: string | null, defaultModel: string): string {
  const name = speechModel?.trim() ?? '';
  if (name === '' || TWILIO_MODELS.has(name.toLowerCase()) || TWILIO_MODEL_FAMILIES.test(name)) return defaultModel;
  return name;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The answer's JSON body -> normalized text and a confidence; a body that is not a transcription throws 'engine-failed'. */
export function parseTranscription(body: string): RecognitionResult {
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    throw new SpeechError('engine-failed', 'the answer is not JSON');
  }
  if (!isRecord(answer) || typeof answer['text'] !== 'string') throw new SpeechError('engine-failed', 'the answer has no "text"');
  const text = normalizeText(answer['text']);
  if (text === '') return { text: '', confidence: 0 };
  return { text, confidence: confidenceOf(answer) };
}

/**
 * The engines send no confidence of their own but, per segment, the mean log probability of its tokens
 * (`avg_logprob`). exp() of those means averaged over the segments, each weighted by its duration (equally
 * when none has one), is the geometric mean probability of the tokens: 1 when the model was sure of every
 * token, about 0.6 at -0.5, and it falls fast below. Without segments, a numeric top-level `confidence` is
 * taken as it is (some engines send one); with neither, 0. Clamped to 0-1, rounded to 4 decimals.
 */
export function confidenceOf(answer: Record<string, unknown>): number {
  const segments = Array.isArray(answer['segments']) ? answer['segments'].filter(isRecord) : [];
  const scored: Array<{ logprob: number; seconds: number }> = [];
  for (const s of segments) {
    const logprob = s['avg_logprob'];
    const start = s['start'];
    const end = s['end'];
    if (finite(logprob)) scored.push({ logprob, seconds: finite(start) && finite(end) && end > start ? end - start : 0 });
  }
  let confidence = 0;
  if (scored.length > 0) {
    const total = scored.reduce((sum, s) => sum + s.seconds, 0);
    const mean = total > 0 ? scored.reduce((sum, s) => sum + s.logprob * s.seconds, 0) / total : scored.reduce((sum, s) => sum + s.logprob, 0) / scored.length;
    confidence = Math.exp(mean);
  } else if (finite(answer['confidence'])) {
    confidence = answer['confidence'];
  }
  return Math.round(Math.min(1, Math.max(0, confidence)) * 1e4) / 1e4;
}
