/** MP3 (and MPEG-1/2 layer I/II) to 8 kHz mono PCM16 with the WASM mpg123 build; no system binary. */
import { MPEGDecoder } from 'mpg123-decoder';
import { resampleLinear, toInt16 } from './resample.js';

export class Mp3Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Mp3Error';
  }
}

export async function decodeMp3To8k(data: Uint8Array): Promise<Int16Array> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    const decoded = decoder.decode(data);
    if (!decoded.samplesDecoded || !decoded.channelData.length) {
      throw new Mp3Error(decoded.errors.length ? `cannot decode MP3: ${decoded.errors[0]?.message ?? 'error'}` : 'no audio in MP3 data');
    }
    return downmixTo8k(decoded.channelData, decoded.samplesDecoded, decoded.sampleRate);
  } finally {
    decoder.free();
  }
}

/** Float channels in [-1, 1] (what decoders return) to 8 kHz mono PCM16. */
export function downmixTo8k(channels: Float32Array[], samples: number, sampleRate: number): Int16Array {
  const mono = new Float32Array(samples);
  for (const ch of channels) for (let i = 0; i < samples; i++) mono[i] = (mono[i] ?? 0) + (ch[i] ?? 0) / channels.length;
  return toInt16(resampleLinear(mono, sampleRate, 8000));
}
