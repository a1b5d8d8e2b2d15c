import { spawn } from 'node:child_process';

export class Mp3EncoderMissing extends Error {}

/**
 * MP3 for recording downloads, made by Debian's `lame` run as a separate program (LGPL: used, not bundled),
 * as espeak-ng is for speech. Input: 8 kHz 16-bit PCM, mono or interleaved stereo (a dual-channel <Dial>
 * recording); output: an MP3 of 32 kbit/s per channel.
 */
export function encodeMp3(pcm: Int16Array, sampleRate = 8000, channels = 1): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'lame',
      [
        '--quiet',
        '-r',
        '-s',
        String(sampleRate / 1000),
        '--bitwidth',
        '16',
        '--signed',
        '--little-endian',
        '-m',
        channels === 2 ? 's' : 'm',
        '-b',
        String(32 * channels),
        '-',
        '-',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new Mp3EncoderMissing('lame is not installed (Debian package lame)') : e));
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`lame exited ${code}: ${err.trim()}`))));
    child.stdin.on('error', () => undefined); // lame gone: the close handler reports it
    child.stdin.end(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  });
}
