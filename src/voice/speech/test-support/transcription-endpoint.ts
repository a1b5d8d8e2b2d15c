/**
 * A transcription endpoint for tests of the http engine: a real HTTP server on 127.0.0.1 that parses each
 * multipart request with the web Request.formData() (not our code), checks the WAV byte by byte on its own
 * (not with our WAV reader), records what came, counts requests in flight, and answers as the test says.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWav {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  formatTag: number;
  samples: Int16Array;
}

export interface ReceivedTranscription {
  path: string;
  authorization: string | undefined;
  contentType: string;
  /** The form's text fields. */
  fields: Record<string, string>;
  file: { name: string; type: string; wav: ReceivedWav } | null;
}

/** A JSON (or any) body after an optional delay, or no answer at all until the client gives up. */
export type EndpointAnswer = { status?: number; body: string; delayMs?: number } | 'hang';
export type EndpointHandler = (r: ReceivedTranscription) => EndpointAnswer | Promise<EndpointAnswer>;

export class TranscriptionEndpoint {
  readonly received: ReceivedTranscription[] = [];
  /** Requests being answered now, and the most at once. */
  inFlight = 0;
  maxInFlight = 0;
  /** Requests whose client went away before the answer (a timeout or an abort on the other side). */
  abandoned = 0;
  url = '';
  private server: Server | undefined;

  constructor(private handler: EndpointHandler) {}

  answer(handler: EndpointHandler): void {
    this.handler = handler;
  }

  async start(path = '/v1/audio/transcriptions'): Promise<this> {
    this.server = createServer((req, res) => {
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      let answered = false;
      res.on('close', () => {
        this.inFlight--;
        if (!answered) this.abandoned++;
      });
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        try {
          const received = await parse(req.url ?? '/', req.headers.authorization, req.headers['content-type'] ?? '', Buffer.concat(chunks));
          this.received.push(received);
          const answer = await this.handler(received);
          if (answer === 'hang' || res.destroyed) return;
          const timer = setTimeout(() => {
            answered = true;
            res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(answer.body);
          }, answer.delayMs ?? 0);
          res.on('close', () => clearTimeout(timer));
        } catch (err) {
          if (res.destroyed) return;
          answered = true;
          res.writeHead(400, { 'content-type': 'text/plain' }).end(`bad request: ${(err as Error).message}`);
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

async function parse(url: string, authorization: string | undefined, contentType: string, body: Buffer): Promise<ReceivedTranscription> {
  const form = await new Request(`http://127.0.0.1${url}`, { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
  const fields: Record<string, string> = {};
  let file: ReceivedTranscription['file'] = null;
  for (const [name, value] of form) {
    if (typeof value === 'string') fields[name] = value;
    else if (name === 'file') file = { name: value.name, type: value.type, wav: parseWav(Buffer.from(await value.arrayBuffer())) };
  }
  return { path: url, authorization, contentType, fields, file };
}

/** A canonical PCM WAV: RIFF, WAVE, a 16-byte fmt chunk, then data; throws on anything else. */
export function parseWav(buf: Buffer): ReceivedWav {
  const fail = (why: string): never => {
    throw new Error(`not a canonical WAV: ${why}`);
  };
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') fail('no RIFF/WAVE header');
  if (buf.readUInt32LE(4) !== buf.length - 8) fail(`RIFF size ${buf.readUInt32LE(4)} for ${buf.length} bytes`);
  if (buf.toString('ascii', 12, 16) !== 'fmt ' || buf.readUInt32LE(16) !== 16) fail('no 16-byte fmt chunk first');
  const formatTag = buf.readUInt16LE(20);
  const channels = buf.readUInt16LE(22);
  const sampleRate = buf.readUInt32LE(24);
  const byteRate = buf.readUInt32LE(28);
  const blockAlign = buf.readUInt16LE(32);
  const bitsPerSample = buf.readUInt16LE(34);
  if (byteRate !== (sampleRate * channels * bitsPerSample) / 8 || blockAlign !== (channels * bitsPerSample) / 8) fail('inconsistent byte rate or block align');
  if (buf.toString('ascii', 36, 40) !== 'data') fail('no data chunk after fmt');
  const size = buf.readUInt32LE(40);
  if (size !== buf.length - 44) fail(`data size ${size} for ${buf.length - 44} bytes`);
  const samples = new Int16Array(size / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(44 + 2 * i);
  return { sampleRate, channels, bitsPerSample, formatTag, samples };
}
