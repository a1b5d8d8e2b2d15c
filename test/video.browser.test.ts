// Video in real browsers: headless Chromium pages (Debian's chromium with a fake camera and microphone,
// driven by playwright-core) join one room through the SDK served at /video/sdk.js; every page must
// decode every other page's video. Two, then four participants; one leaves and rejoins; one browser is
// killed without a goodbye and is removed after the reconnect window. REST agrees at each step.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';
import twilio from 'twilio';
import { eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { toolMissing } from './support/tools.js';

const CHROMIUM = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
  '--autoplay-policy=no-user-gesture-required',
];
const SHOTS = join(new URL('..', import.meta.url).pathname, 'test-results/screenshots');
const ROOM = 'browsers';

let s: TestServer;
let browser: Browser;
let doomed: BrowserServer | undefined;
let key: { sid: string; secret: string };
const pages = new Map<string, Page>();

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium (or set SWITCHBOARD_CHROMIUM)`);
  s = await startTestServer({ videoReconnectMs: 3000, videoWorkers: 2 });
  const k = await s.client.newKeys.create({ friendlyName: 'browser test' });
  key = { sid: k.sid, secret: k.secret };
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
  // Recorded from the start: the last test checks the files Chromium's real VP8 and Opus made.
  await s.client.video.v1.rooms.create({ uniqueName: ROOM, recordParticipantsOnConnect: true });
});
after(async () => {
  await browser?.close().catch(() => undefined);
  doomed?.process()?.kill('SIGKILL');
  await s?.close();
});

function token(identity: string): string {
  const t = new twilio.jwt.AccessToken(s.accountSid, key.sid, key.secret, { identity, ttl: 600 });
  t.addGrant(new twilio.jwt.AccessToken.VideoGrant({ room: ROOM }));
  return t.toJwt();
}

/** Joins through the demo page's form (its token endpoint mints the token). */
async function joinWithDemo(identity: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${s.url}/video-demo`);
  await page.fill('#room', ROOM);
  await page.fill('#identity', identity);
  await page.click('#join-button');
  await page.waitForFunction(() => (globalThis as unknown as { room?: { state: string } }).room?.state === 'connected');
  pages.set(identity, page);
  return page;
}

/** Joins from script with an official AccessToken, at a smaller size to spare the CPU. */
async function joinWithSdk(identity: string, on: Browser = browser): Promise<Page> {
  const page = await (await on.newContext()).newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${s.url}/video-demo`);
  await page.evaluate(async (jwt) => {
    const sdk = (await import('/video/sdk.js' as string)) as { connect(t: string, o: object): Promise<unknown> };
    const room = await sdk.connect(jwt, { video: { width: 320, height: 240, frameRate: 15 }, audio: true });
    (globalThis as unknown as { room: unknown }).room = room;
  }, token(identity));
  pages.set(identity, page);
  return page;
}

interface Seen {
  identity: string;
  framesDecoded: number;
  width: number;
}
/** What the page-side code uses of a <video> (the test compiles without the DOM library). */
interface VideoEl {
  videoWidth: number;
}

/** What a page decodes from each remote participant: frames so far and the video's width. */
function seen(page: Page): Promise<Seen[]> {
  return page.evaluate(async () => {
    type Pub = { kind: string; trackSid: string; track: { attachments?: Set<VideoEl> } | null };
    type R = {
      participants: Map<string, { identity: string; tracks: Map<string, Pub> }>;
      getStats(): Promise<{ remoteVideoTrackStats: { trackSid: string; framesDecoded: number }[] }[]>;
    };
    const room = (globalThis as unknown as { room: R }).room;
    const [stats] = await room.getStats();
    const out: Seen[] = [];
    for (const p of room.participants.values()) {
      for (const pub of p.tracks.values()) {
        if (pub.kind !== 'video') continue;
        const frames = stats?.remoteVideoTrackStats.find((x) => x.trackSid === pub.trackSid)?.framesDecoded ?? 0;
        const el = pub.track?.attachments ? [...pub.track.attachments][0] : undefined;
        out.push({ identity: p.identity, framesDecoded: frames, width: el?.videoWidth ?? 0 });
      }
    }
    return out;
  });
}

/** Attaches every subscribed video not shown yet (the demo attaches its own; scripted joins need this). */
function attachAll(page: Page): Promise<void> {
  return page.evaluate(() => {
    type T = { attachments: Set<unknown>; attach(): unknown };
    const g = globalThis as unknown as {
      document: { body: { append(e: unknown): void } };
      room: { participants: Map<string, { tracks: Map<string, { kind: string; track: T | null }> }> };
    };
    for (const p of g.room.participants.values())
      for (const pub of p.tracks.values()) {
        if (pub.kind === 'video' && pub.track && pub.track.attachments.size === 0) g.document.body.append(pub.track.attach());
      }
  });
}

/** Every page decodes video from every other participant, and keeps decoding (frames rise over a second). */
async function everyoneSeesEveryone(identities: string[]): Promise<void> {
  for (const me of identities) {
    const page = pages.get(me)!;
    const others = identities.filter((i) => i !== me).sort();
    const first = await eventually(
      async () => {
        await attachAll(page);
        const now = await seen(page);
        const ok = others.every((o) => now.some((v) => v.identity === o && v.framesDecoded > 0 && v.width > 0));
        return ok ? now : undefined;
      },
      30_000,
      250,
    ).catch(async () => {
      throw new Error(`${me} does not decode ${others.join(', ')}: ${JSON.stringify(await seen(page))}`);
    });
    // Frames keep rising: waited for rather than timed, since a loaded 2-core machine can starve the decoders
    // for a second or more.
    const rising = (later: Awaited<ReturnType<typeof seen>>) =>
      others.every((o) => (later.find((v) => v.identity === o)?.framesDecoded ?? 0) > first.find((v) => v.identity === o)!.framesDecoded);
    await eventually(async () => (rising(await seen(page)) ? true : undefined), 15_000, 250).catch(async () => {
      throw new Error(`${me} stopped decoding: ${JSON.stringify(first)} -> ${JSON.stringify(await seen(page))}`);
    });
  }
}

async function restState(): Promise<Map<string, { published: number; subscribed: number }>> {
  const room = s.client.video.v1.rooms(ROOM);
  const out = new Map<string, { published: number; subscribed: number }>();
  for (const p of await room.participants.list({ status: 'connected' })) {
    const published = (await room.participants(p.sid).publishedTracks.list()).length;
    const subscribed = (await room.participants(p.sid).subscribedTracks.list()).length;
    out.set(p.identity, { published, subscribed });
  }
  return out;
}

async function restShows(expected: Record<string, { published: number; subscribed: number }>): Promise<void> {
  await eventually(
    async () => {
      const now = await restState();
      const want = Object.entries(expected);
      return now.size === want.length && want.every(([id, v]) => now.get(id)?.published === v.published && now.get(id)?.subscribed === v.subscribed)
        ? true
        : undefined;
    },
    15_000,
    250,
  ).catch(async () => {
    throw new Error(`REST shows ${JSON.stringify([...(await restState())])}, expected ${JSON.stringify(expected)}`);
  });
}

test('two pages in one room see each other through the SFU; REST lists them and their tracks', async () => {
  await joinWithDemo('alice');
  await joinWithDemo('bob');
  await everyoneSeesEveryone(['alice', 'bob']);
  await restShows({ alice: { published: 2, subscribed: 2 }, bob: { published: 2, subscribed: 2 } });
});

test('four pages: each decodes the three others', async () => {
  await joinWithSdk('carol');
  doomed = await chromium.launchServer({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
  await joinWithSdk('dave', await chromium.connect(doomed.wsEndpoint()));
  await everyoneSeesEveryone(['alice', 'bob', 'carol', 'dave']);
  const each = { published: 2, subscribed: 6 };
  await restShows({ alice: each, bob: each, carol: each, dave: each });
  mkdirSync(SHOTS, { recursive: true });
  await pages.get('alice')!.screenshot({ path: join(SHOTS, 'video-four-participants.png') });
});

test('a participant leaves and rejoins; the others lose and regain its video', async () => {
  const bob = pages.get('bob')!;
  const alice = pages.get('alice')!;
  await bob.click('#leave-button');
  await alice.waitForFunction(
    () =>
      ![...(globalThis as unknown as { room: { participants: Map<string, { identity: string }> } }).room.participants.values()].some(
        (p) => p.identity === 'bob',
      ),
  );
  const each = { published: 2, subscribed: 4 };
  await restShows({ alice: each, carol: each, dave: each });
  await bob.click('#join-button');
  await bob.waitForFunction(() => (globalThis as unknown as { room?: { state: string } }).room?.state === 'connected');
  await everyoneSeesEveryone(['alice', 'bob', 'carol', 'dave']);
  const bobs = await s.client.video.v1.rooms(ROOM).participants.list({ identity: 'bob' });
  assert.deepEqual(bobs.map((p) => p.status).sort(), ['connected', 'disconnected']);
});

test('a browser killed without a goodbye is removed after the reconnect window', async () => {
  const alice = pages.get('alice')!;
  const killedAt = Date.now();
  doomed!.process()!.kill('SIGKILL');
  await alice.waitForFunction(
    () =>
      ![...(globalThis as unknown as { room: { participants: Map<string, { identity: string }> } }).room.participants.values()].some(
        (p) => p.identity === 'dave',
      ),
    undefined,
    { timeout: 20_000 },
  );
  const took = Date.now() - killedAt;
  assert.ok(took >= 2500, `removed after the 3 s reconnect window, not at once (${took} ms)`);
  const each = { published: 2, subscribed: 4 };
  await restShows({ alice: each, bob: each, carol: each });
  const dave = await s.client.video.v1.rooms(ROOM).participants('dave').fetch();
  assert.equal(dave.status, 'disconnected');
  await everyoneSeesEveryone(['alice', 'bob', 'carol']);
});

test('each track was recorded: a WebM file with the VP8 or Opus Chromium sent, which ffmpeg decodes when installed', async () => {
  await pages.get('alice')!.click('#leave-button');
  const alice = await s.client.video.v1.rooms(ROOM).participants('alice').fetch();
  const recs = await eventually(
    async () => {
      const all = await s.client.video.v1.rooms(ROOM).recordings.list();
      const mine = all.filter((r) => (r.groupingSids as { participant_sid?: string }).participant_sid === alice.sid);
      return mine.length === 2 && mine.every((r) => r.status === 'completed') ? mine : undefined;
    },
    15_000,
    250,
  );
  for (const r of recs) {
    const res = await s.fetch(`/video/v1/Recordings/${r.sid}/Media`);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(body.readUInt32BE(0), 0x1a45dfa3, 'EBML header');
    assert.ok(body.includes(Buffer.from('webm')), 'DocType webm');
    assert.ok(body.includes(Buffer.from(r.type === 'video' ? 'V_VP8' : 'A_OPUS')));
    assert.ok(r.duration! >= 5, `${r.type} lasts as long as alice was there (${r.duration} s)`);
    assert.ok(body.length > (r.type === 'video' ? 100_000 : 20_000), `${r.type} has media in it (${body.length} bytes)`);
    const file = join(tmpdir(), `switchboard-test-${r.sid}.webm`);
    writeFileSync(file, body);
    // ffprobe decodes every frame and counts them: a file with a header and no pictures has none.
    assert.equal(toolMissing('ffprobe'), false);
    const probe = spawnSync(
      'ffprobe',
      ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_name,width,height,nb_read_frames:format=duration', '-of', 'json', file],
      { encoding: 'utf8' },
    );
    const info = JSON.parse(probe.stdout) as { streams: { codec_name: string; width?: number; nb_read_frames?: string }[]; format: { duration?: string } };
    assert.equal(info.streams[0]?.codec_name, r.type === 'video' ? 'vp8' : 'opus', probe.stderr);
    if (r.type === 'video') assert.equal(info.streams[0]?.width, 640);
    // Over 5 s: Chromium's fake camera sends many frames a second even when the machine is busy, Opus one per 20 ms.
    const frames = Number(info.streams[0]?.nb_read_frames);
    assert.ok(frames >= (r.type === 'video' ? 25 : 125), `${r.type}: ${frames} frames decoded`);
    const decoded = spawnSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
    assert.equal(decoded.status, 0, `ffmpeg decodes the whole ${r.type} file: ${decoded.stderr.slice(0, 500)}`);
    if (process.env.KEEP_VIDEO_FILES) console.log(file);
    else rmSync(file, { force: true });
  }
});

test('simulcast: each subscriber gets the layer it asks for; H.264 is forwarded; a dropped signalling socket resumes', async () => {
  const join = async (identity: string, options: object) => {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${s.url}/video-demo`);
    const t = new twilio.jwt.AccessToken(s.accountSid, key.sid, key.secret, { identity, ttl: 600 });
    t.addGrant(new twilio.jwt.AccessToken.VideoGrant({ room: 'layers' }));
    await page.evaluate(
      async ([jwt, o]) => {
        const sdk = (await import('/video/sdk.js' as string)) as { connect(t: string, o: object): Promise<unknown> };
        (globalThis as unknown as { room: unknown }).room = await sdk.connect(jwt, o);
      },
      [t.toJwt(), options] as const,
    );
    pages.set(identity, page);
    return page;
  };
  await join('layered', { simulcast: true, audio: false, video: { width: 960, height: 540, frameRate: 15 } });
  await join('avc', { preferredVideoCodecs: ['H264'], audio: false, video: { width: 320, height: 240, frameRate: 15 } });
  const viewer = await join('viewer', { tracks: [] });
  const widthOf = async (identity: string) => {
    await attachAll(viewer);
    return (await seen(viewer)).find((v) => v.identity === identity)?.width ?? 0;
  };
  const prefer = (height: number | null) =>
    viewer.evaluate((h) => {
      type Pub = { track: { setContentPreferences(p: object): void } | null };
      const room = (globalThis as unknown as { room: { participants: Map<string, { identity: string; videoTracks: Map<string, Pub> }> } }).room;
      for (const p of room.participants.values())
        if (p.identity === 'layered')
          for (const pub of p.videoTracks.values())
            pub.track?.setContentPreferences({ renderDimensions: h === null ? null : { width: (h * 16) / 9, height: h } });
    }, height);
  await eventually(async () => ((await widthOf('layered')) > 0 && (await widthOf('avc')) === 320 ? true : undefined), 30_000, 250);

  const codecs = await viewer.evaluate(async () => {
    const room = (globalThis as unknown as { room: { subscriber: { pc: { getStats(): Promise<Map<string, { type: string; mimeType?: string }>> } } } }).room;
    const out: string[] = [];
    (await room.subscriber.pc.getStats()).forEach((s) => {
      if (s.type === 'codec' && s.mimeType) out.push(s.mimeType);
    });
    return out;
  });
  assert.ok(codecs.includes('video/H264') && codecs.includes('video/VP8'), `the viewer receives H.264 and VP8 (${codecs.join(', ')})`);

  // The lowest layer is a quarter of the capture width (240 px of 960, less when Chromium scales its capture
  // down under CPU load); automatic selection then climbs back above it.
  await prefer(135);
  const low = await eventually(
    async () => {
      const w = await widthOf('layered');
      return w > 0 && w <= 240 ? w : undefined;
    },
    20_000,
    250,
  ).catch(async () => {
    throw new Error(`asked for the lowest layer, got ${await widthOf('layered')} px wide`);
  });
  await prefer(null);
  await eventually(async () => ((await widthOf('layered')) > low ? true : undefined), 30_000, 250).catch(async () => {
    throw new Error(`back to automatic, still ${await widthOf('layered')} px wide`);
  });

  const viewerSid = await viewer.evaluate(() => (globalThis as unknown as { room: { localParticipant: { sid: string } } }).room.localParticipant.sid);
  const states = await viewer.evaluate(async () => {
    const room = (globalThis as unknown as { room: { ws: { close(): void }; state: string; once(e: string, f: () => void): void } }).room;
    const seenStates: string[] = [];
    const back = new Promise<void>((resolve) => room.once('reconnected', () => resolve()));
    room.once('reconnecting', () => seenStates.push('reconnecting'));
    room.ws.close();
    await back;
    seenStates.push(room.state);
    return seenStates;
  });
  assert.deepEqual(states, ['reconnecting', 'connected']);
  assert.equal((await s.client.video.v1.rooms('layers').participants(viewerSid).fetch()).status, 'connected');
  const before = (await seen(viewer)).find((v) => v.identity === 'avc')!.framesDecoded;
  await new Promise((r) => setTimeout(r, 1000));
  assert.ok((await seen(viewer)).find((v) => v.identity === 'avc')!.framesDecoded > before, 'media went on through the signalling drop');
});
