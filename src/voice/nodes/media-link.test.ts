// CrossLinks with two "nodes" in one process: real signed control requests over loopback HTTP and real RTP
// sessions. Audio and digits cross between the two relays; closing one half ends the other; a peer node
// whose heartbeat lapsed has its links ended by the sweep; a refusal (far null) leaves nothing open.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { CallNodeRow } from '../../store/repositories/call-nodes.js';
import { generateBeep, rms } from '../media/audio-utils.js';
import { MediaEngine } from '../media/engine/pool.js';
import type { MediaSession } from '../media/index.js';
import { FROM_HEADER, NodeControl, SIGNATURE_HEADER } from './control.js';
import { CrossLinks, type CrossLink, type LinkEnd } from './media-link.js';

const STRICT = { host: '127.0.0.1', strict: { probation: 4 } } as const;

async function until(fn: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`${what} timed out`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface FakeNode {
  id: string;
  control: NodeControl;
  links: CrossLinks;
  server: Server;
  row: CallNodeRow;
}

async function node(id: string, engine: MediaEngine, rows: Map<string, CallNodeRow>): Promise<FakeNode> {
  const key = `${id}-key-${'0'.repeat(40)}`;
  const control = new NodeControl({ nodeId: id, key, now: () => Date.now(), onError: (err) => assert.fail(String(err)) });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const h = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
      void control.receive(h(FROM_HEADER), h(SIGNATURE_HEADER), form.get('Op') ?? undefined, form.get('Args') ?? undefined).then((r) => {
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const row: CallNodeRow = {
    id,
    control_url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    control_key: key,
    sip_address: null,
    accepting: 1,
    live_calls: 0,
    max_calls: 0,
    started_at: Date.now(),
    heartbeat_at: Date.now(),
  };
  rows.set(id, row);
  const links = new CrossLinks({
    control,
    registry: {
      nodeId: id,
      heartbeatMs: 100,
      find: async (x) => rows.get(x),
      isAlive: (n) => n !== undefined && n.heartbeat_at > Date.now() - 30_000,
      others: async () => [...rows.values()].filter((n) => n.id !== id),
    },
    host: '127.0.0.1',
    openNear: (near?: MediaSession) => engine.open(STRICT, near),
    onError: (err) => assert.fail(String(err)),
  });
  return { id, control, links, server, row };
}

test('a media link between two nodes: audio and digits cross, either end closes both, a dead peer is swept', async (t) => {
  const engine = new MediaEngine(2);
  const rows = new Map<string, CallNodeRow>();
  const x = await node('x', engine, rows);
  const y = await node('y', engine, rows);
  t.after(async () => {
    x.links.stop();
    y.links.stop();
    x.server.close();
    y.server.close();
    await engine.close();
  });
  // The calls each node runs, with their phones.
  const callX = await engine.open(STRICT);
  const phoneX = await engine.open(STRICT, callX);
  const callY = await engine.open(STRICT);
  const phoneY = await engine.open(STRICT, callY);
  callX.setRemote('127.0.0.1', phoneX.port);
  phoneX.setRemote('127.0.0.1', callX.port);
  callY.setRemote('127.0.0.1', phoneY.port);
  phoneY.setRemote('127.0.0.1', callY.port);

  // y accepts beside its call and bridges it; "nobody" is refused.
  const accepted: CrossLink[] = [];
  y.control.register('test.meet', async (a) => {
    const { who, link } = a as { who: string; link: LinkEnd };
    if (who !== 'callY') return { far: null };
    const got = await y.links.accept(link, callY);
    assert.ok(callY.bridge(got.link.relay));
    accepted.push(got.link);
    return { far: got.far, note: 'hello' };
  });

  const refused = await x.links.open(y.id, callX, 'test.meet', { who: 'nobody' });
  assert.equal(refused.link, null);
  assert.equal(x.links.size, 0, 'nothing left open on a refusal');

  const { link, answer } = await x.links.open<{ far: { host: string; port: number } | null; note: string }>(y.id, callX, 'test.meet', { who: 'callY' });
  assert.ok(link);
  assert.equal(answer.note, 'hello');
  assert.ok(callX.bridge(link.relay));
  let loud = 0;
  phoneY.onAudio = (frame, n) => {
    if (rms(frame.subarray(0, n)) > 2000) loud++;
  };
  const digits: string[] = [];
  phoneY.on('digit', (d) => digits.push(d));
  await phoneX.play(generateBeep({ durationMs: 600 }));
  await until(() => loud >= 10, 5000, 'audio from x to y');
  await phoneX.sendDigits('5');
  await until(() => digits.length === 1, 5000, 'digits from x to y');
  let back = 0;
  phoneX.onAudio = (frame, n) => {
    if (rms(frame.subarray(0, n)) > 2000) back++;
  };
  await phoneY.play(generateBeep({ durationMs: 600 }));
  await until(() => back >= 10, 5000, 'audio from y to x');

  // A signal crosses; closing on x ends y's half as "by the peer".
  const far = accepted[0]!;
  let signalled = false;
  far.onSignal('ready', () => (signalled = true));
  await link.signal('ready');
  await until(() => signalled, 5000, 'the signal');
  const endedY = new Promise<boolean>((resolve) => far.onEnded(resolve));
  const endedX = new Promise<boolean>((resolve) => link.onEnded(resolve));
  link.close();
  assert.equal(await endedX, false);
  assert.equal(await endedY, true);
  assert.equal(y.links.size, 0);

  // A second link; then y's heartbeat lapses: x's sweep ends x's half as "by the peer".
  const second = await x.links.open(y.id, callX, 'test.meet', { who: 'callY' });
  assert.ok(second.link);
  x.links.start();
  rows.set(y.id, { ...y.row, heartbeat_at: Date.now() - 60_000 });
  const swept = await new Promise<boolean>((resolve) => second.link?.onEnded(resolve));
  assert.equal(swept, true);
  assert.equal(x.links.size, 0);
});
