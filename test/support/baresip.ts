/**
 * Drives baresip (Debian baresip-core) as a test peer: writes its config (loopback only, aufile source,
 * sndfile dumps of what it sends and receives), starts it, and talks netstring JSON to ctrl_tcp.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { concatPcm, generateBeep, silence, writeWav } from '../../src/voice/media/index.js';
import { freePort, freePortRange, spawnPeer, tempDir, waitFor } from '../../src/voice/sip/test-support/peers.js';
import type { Peer } from '../../src/voice/sip/test-support/peers.js';

export const BARESIP = '/usr/bin/baresip';

export interface BaresipEvent {
  type?: string;
  param?: string;
  [k: string]: unknown;
}

export interface Baresip {
  sipPort: number;
  dir: string;
  peer: Peer;
  events: BaresipEvent[];
  command(command: string, params?: string): void;
  waitEvent(type: string, timeoutMs?: number): Promise<BaresipEvent>;
  /** The wav sndfile wrote for audio baresip received (`dec`) or sent (`enc`). */
  dump(kind: 'dec' | 'enc'): Buffer | null;
  stop(): void;
}

/**
 * `source`: what baresip sends (8 kHz PCM16); default a 2 s tone. 30 s of silence is appended either way.
 * baresip also binds ports we did not pick (SIP over TLS next to its SIP port), which another test running
 * at the same time may hold: a start that fails that way is retried on fresh ports.
 */
export async function startBaresip(options: { source?: Int16Array; user?: string } = {}): Promise<Baresip> {
  let last: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      last = err;
      if (!/Address already in use/.test(String(err))) throw err;
    }
  }
  throw last;
}

async function startOnce(options: { source?: Int16Array; user?: string }): Promise<Baresip> {
  const dir = tempDir('baresip');
  const sipPort = await freePort();
  const ctrlPort = await freePort();
  const rtp = await freePortRange(20);
  // baresip hangs up when its audio file ends: a 2 s tone then 30 s of silence keeps the call up.
  writeFileSync(join(dir.path, 'source.wav'), writeWav(concatPcm([options.source ?? generateBeep({ frequency: 440, durationMs: 2000 }), silence(30000)])));
  writeFileSync(
    join(dir.path, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${sipPort}`,
      'net_interface 127.0.0.1',
      `rtp_ports ${rtp}-${rtp + 19}`,
      'audio_player alsa,null',
      `audio_source aufile,${join(dir.path, 'source.wav')}`,
      'audio_alert alsa,null',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module alsa.so',
      'module sndfile.so',
      `snd_path ${dir.path}`,
      'module_app account.so',
      'module_app menu.so',
      'module_app ctrl_tcp.so',
      `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir.path, 'accounts'), `<sip:${options.user ?? 'bob'}@127.0.0.1:${sipPort}>;regint=0;answermode=auto;audio_codecs=PCMU,PCMA\n`);
  const peer = spawnPeer(BARESIP, ['-f', dir.path], dir.path);
  const events: BaresipEvent[] = [];
  let socket: Socket | null = null;
  const stop = (): void => {
    socket?.destroy();
    peer.kill();
    void peer.exited.then(() => dir.remove());
  };
  try {
    socket = await waitForConnect(ctrlPort, peer);
  } catch (err) {
    stop();
    throw err;
  }
  let buf = '';
  socket.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    for (let guard = 0; guard < 1000; guard++) {
      const colon = buf.indexOf(':');
      if (colon < 0) break;
      const len = Number(buf.slice(0, colon));
      if (!Number.isFinite(len) || buf.length < colon + 1 + len + 1) break;
      const json = buf.slice(colon + 1, colon + 1 + len);
      buf = buf.slice(colon + 2 + len);
      try {
        events.push(JSON.parse(json) as BaresipEvent);
      } catch {
        // not JSON: ignore
      }
    }
  });
  socket.on('error', () => undefined);
  const sock = socket;
  return {
    sipPort,
    dir: dir.path,
    peer,
    events,
    command(command, params = '') {
      const s = JSON.stringify({ command, params, token: String(events.length) });
      sock.write(`${Buffer.byteLength(s)}:${s},`);
    },
    waitEvent: (type, timeoutMs = 10000) => waitFor(() => events.find((e) => e.type === type), timeoutMs, `baresip ${type}`),
    dump(kind) {
      const f = readdirSync(dir.path).find((n) => n.startsWith('dump') && n.endsWith(`-${kind}.wav`));
      return f ? readFileSync(join(dir.path, f)) : null;
    },
    stop,
  };
}

async function waitForConnect(port: number, peer: Peer): Promise<Socket> {
  for (let i = 0; i < 100; i++) {
    if (peer.proc.exitCode !== null) throw new Error(`baresip exited: ${peer.output()}`);
    const s = await new Promise<Socket | null>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => resolve(sock));
      sock.once('error', () => resolve(null));
    });
    if (s) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`baresip ctrl_tcp did not come up: ${peer.output()}`);
}
