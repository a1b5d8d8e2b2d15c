// The video benchmark's participants, in their own process so their CPU is not counted as the SFU's:
// P publishers sending synthetic VP8-shaped RTP at a fixed bitrate (answering PLI with key frames) and S
// subscribers receiving everything (werift sends RTCP receiver reports and NACKs). Driven over IPC by
// bench/video.ts: `ready` once every subscriber receives every track, then `report` with what arrived.
import twilio from 'twilio';
import { VideoBot } from '../test/support/video-bot.js';

interface Start {
  url: string;
  accountSid: string;
  keySid: string;
  secret: string;
  room: string;
  publishers: number;
  subscribers: number;
  bitrate: number;
}

const send = (msg: object) => process.send?.(msg);

function token(s: Start, identity: string): string {
  const t = new twilio.jwt.AccessToken(s.accountSid, s.keySid, s.secret, { identity, ttl: 3600 });
  t.addGrant(new twilio.jwt.AccessToken.VideoGrant({ room: s.room }));
  return t.toJwt();
}

let bots: VideoBot[] = [];

async function start(s: Start): Promise<void> {
  const pubs: VideoBot[] = [];
  for (let i = 0; i < s.publishers; i++) pubs.push(await VideoBot.join(s.url, token(s, `pub-${i}`), { videoBitrate: s.bitrate }));
  const subs: VideoBot[] = [];
  for (let i = 0; i < s.subscribers; i++) subs.push(await VideoBot.join(s.url, token(s, `sub-${i}`)));
  bots = [...pubs, ...subs];
  // Everyone receives every publisher's track except its own.
  const deadline = Date.now() + 90_000;
  for (const b of bots) {
    const want = pubs.filter((p) => p !== b).length;
    await b.until(() => [...b.received.values()].filter((r) => r.packets > 0).length >= want, Math.max(1000, deadline - Date.now()));
  }
  send({ t: 'ready', streams: bots.reduce((n, b) => n + b.received.size, 0) });
}

function snapshot(): { packets: number; lost: number; bytes: number } {
  let packets = 0;
  let lost = 0;
  let bytes = 0;
  for (const b of bots)
    for (const r of b.received.values()) {
      packets += r.packets;
      lost += r.lost;
      bytes += r.bytes;
    }
  return { packets, lost, bytes };
}

process.on('message', (msg: { t: 'start'; start: Start } | { t: 'report' } | { t: 'stop' }) => {
  if (msg.t === 'start')
    start(msg.start).catch((err: unknown) => {
      send({ t: 'error', message: String(err) });
    });
  if (msg.t === 'report') send({ t: 'report', ...snapshot() });
  if (msg.t === 'stop') void Promise.all(bots.map((b) => b.close())).finally(() => process.exit(0));
});
// Never outlive the benchmark.
setTimeout(() => process.exit(3), 10 * 60_000).unref();
process.on('disconnect', () => process.exit(0));
