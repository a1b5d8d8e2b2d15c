/**
 * SIP open to anyone, with no limits (issue 21, item 5), probed with raw sockets on loopback: a burst of
 * INVITEs from one source beyond its rate, the per-account call cap, idle and surplus TCP connections, an
 * INVITE from outside the trusted networks, and digest authentication for peers outside them.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import { createSipEndpoint, parseMessage, type SipMessage, type SipResponse } from '../src/voice/sip/index.js';
import { createOffer } from '../src/voice/media/index.js';
import { FakeApp } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import type { Config } from '../src/config/schema.js';

const apps: FakeApp[] = [];
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
  for (const a of apps) await a.stop();
});

async function server(overrides: Partial<Config>, twiml = '<Response><Pause length="30"/></Response>') {
  const app = await new FakeApp((r) => (r.path === '/voice' ? { body: twiml } : undefined)).start();
  apps.push(app);
  const s = await startTestServer({ sipPort: 0, sipHost: '127.0.0.1', ...overrides });
  servers.push(s);
  const number = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
  return { s, app, number, port: s.sb.voice.sipPorts().udp! };
}

async function until<T>(what: string, fn: () => T | undefined, ms = 10_000): Promise<T> {
  for (let i = 0; i < ms / 20; i++) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A UDP socket on `address` that sends hand-written INVITEs and keeps the responses. */
async function udpPeer(address: string) {
  const sock: UdpSocket = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, address, () => resolve()));
  const responses: SipResponse[] = [];
  sock.on('message', (data) => {
    const r = parseMessage(data);
    if (r.ok && r.message.type === 'response') responses.push(r.message);
  });
  const port = sock.address().port;
  return {
    responses,
    /** Sends one INVITE with a fresh Call-ID; returns the Call-ID. */
    invite(number: string, serverPort: number): string {
      const callId = randomBytes(8).toString('hex');
      const sdp = createOffer({ address: address, port: 40000 });
      const text = [
        `INVITE sip:${number}@127.0.0.1:${serverPort} SIP/2.0`,
        `Via: SIP/2.0/UDP ${address}:${port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
        'Max-Forwards: 70',
        `From: <sip:attacker@${address}:${port}>;tag=${randomBytes(4).toString('hex')}`,
        `To: <sip:${number}@127.0.0.1>`,
        `Call-ID: ${callId}`,
        'CSeq: 1 INVITE',
        `Contact: <sip:attacker@${address}:${port}>`,
        'Content-Type: application/sdp',
        `Content-Length: ${Buffer.byteLength(sdp)}`,
        '',
        sdp,
      ].join('\r\n');
      sock.send(Buffer.from(text), serverPort, '127.0.0.1');
      return callId;
    },
    final(callId: string): SipResponse | undefined {
      return responses.find((r) => r.status >= 200 && callIdOf(r) === callId);
    },
    close: () => sock.close(),
  };
}
const callIdOf = (m: SipMessage) => m.headers.find((h) => h.name === 'Call-ID')?.value;

describe('INVITE rate per source', () => {
  test('a burst beyond the limit is refused (503 + Retry-After, then dropped) and fires no webhooks', async () => {
    const { app, number, port } = await server({ sipInviteRate: 1, sipInviteBurst: 3 }, '<Response><Reject/></Response>');
    const peer = await udpPeer('127.0.0.1');
    try {
      const ids = Array.from({ length: 12 }, () => peer.invite(number, port));
      const refused = await until('a 503', () => peer.responses.find((r) => r.status === 503));
      assert.match(refused.headers.find((h) => h.name === 'Retry-After')?.value ?? '', /^\d+$/);
      // The admitted ones run to their end (the app rejects them), so every webhook they cause is in.
      await until('three calls rejected by the app', () => (ids.filter((id) => peer.final(id)?.status === 603).length === 3 ? true : undefined));
      assert.equal(app.received.filter((r) => r.path === '/voice').length, 3);
      assert.equal(peer.responses.filter((r) => r.status === 503).length, 1, 'one 503, the rest dropped unanswered');
    } finally {
      peer.close();
    }
  });
});

describe('concurrent calls per account', () => {
  test('beyond the cap a SIP call gets 486 and a REST call 10004', async () => {
    const { s, number, port } = await server({ maxCallsPerAccount: 2 });
    const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0 });
    const calls = [];
    try {
      for (let i = 0; i < 2; i++) {
        const call = ep.invite(`sip:${number}@127.0.0.1:${port}`, createOffer({ address: '127.0.0.1', port: 40010 + 2 * i }));
        calls.push(call);
        assert.equal((await call.result).kind, 'answered');
      }
      const third = ep.invite(`sip:${number}@127.0.0.1:${port}`, createOffer({ address: '127.0.0.1', port: 40020 }));
      calls.push(third);
      const outcome = await third.result;
      assert.equal(outcome.kind === 'rejected' ? outcome.status : outcome.kind, 486);
      await assert.rejects(s.client.calls.create({ to: '+15005550006', from: number, twiml: '<Response/>' }), (err: { code?: number; status?: number }) => {
        assert.equal(err.code, 10004);
        assert.equal(err.status, 429);
        return true;
      });
      // A slot comes back when a call ends: once its end is stored (after the BYE), so try a few times.
      await calls[0]!.hangup();
      let answered = false;
      for (let attempt = 0; attempt < 50 && !answered; attempt++) {
        const again = ep.invite(`sip:${number}@127.0.0.1:${port}`, createOffer({ address: '127.0.0.1', port: 40030 + 2 * attempt }));
        calls.push(again);
        const result = await again.result;
        answered = result.kind === 'answered';
        if (!answered) {
          assert.equal(result.kind === 'rejected' ? result.status : result.kind, 486, 'refused only for the cap while the slot is held');
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      assert.ok(answered, 'a call is answered again once a slot is free');
    } finally {
      await Promise.all(calls.map((c) => c.hangup().catch(() => undefined)));
      await ep.close();
    }
  });
});

/** A TCP connection from `local`; `served` is set when an OPTIONS got its 200, `closed` when the server hung up. */
function tcpConn(port: number, local: string) {
  const state = { served: false, closed: false, sock: null as Socket | null };
  const sock = connect({ host: '127.0.0.1', port, localAddress: local });
  state.sock = sock;
  sock.on('data', (d) => {
    if (/^SIP\/2\.0 200/.test(d.toString())) state.served = true;
  });
  sock.on('error', () => undefined);
  sock.on('close', () => (state.closed = true));
  return state;
}
function options(c: ReturnType<typeof tcpConn>, port: number): void {
  const text = [
    `OPTIONS sip:127.0.0.1:${port};transport=tcp SIP/2.0`,
    `Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK${randomBytes(6).toString('hex')}`,
    'Max-Forwards: 70',
    `From: <sip:probe@127.0.0.1>;tag=${randomBytes(4).toString('hex')}`,
    `To: <sip:127.0.0.1:${port}>`,
    `Call-ID: ${randomBytes(8).toString('hex')}`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  c.sock?.write(text);
}

describe('SIP over TCP', () => {
  test('connections beyond the per-source and total caps are closed', async () => {
    const { s, port } = await server({ sipTcpMaxPerSource: 3, sipTcpMaxConnections: 4 });
    const conns: Array<ReturnType<typeof tcpConn>> = [];
    try {
      const open = async (local: string) => {
        const c = tcpConn(port, local);
        conns.push(c);
        await until('connected or closed', () => (c.sock?.readyState === 'open' || c.closed ? true : undefined));
        options(c, port);
        await until('an answer or a close', () => (c.served || c.closed ? true : undefined));
        return c.served;
      };
      assert.deepEqual([await open('127.0.0.1'), await open('127.0.0.1'), await open('127.0.0.1')], [true, true, true]);
      assert.equal(await open('127.0.0.1'), false, 'a fourth connection from one source is closed');
      assert.equal(await open('127.0.0.2'), true, 'another source still gets in');
      assert.equal(await open('127.0.0.3'), false, 'beyond the total cap nobody gets in');
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      assert.match(metrics, /switchboard_sip_tcp_connections_closed_total\{reason="limit"\} 2/);
    } finally {
      for (const c of conns) c.sock?.destroy();
    }
  });

  test('a connection that sends nothing is closed after the short timeout; one that sent a request stays', async () => {
    const { s, port } = await server({ sipTcpFirstMessageMs: 1000 });
    const silent = tcpConn(port, '127.0.0.1');
    const talker = tcpConn(port, '127.0.0.1');
    try {
      await until('connected', () => (talker.sock?.readyState === 'open' ? true : undefined));
      options(talker, port);
      await until('an answer', () => (talker.served ? true : undefined));
      await until('the silent connection to be closed', () => (silent.closed ? true : undefined));
      assert.equal(talker.closed, false, 'a connection that sent a valid request keeps the long timeout');
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      assert.match(metrics, /switchboard_sip_tcp_connections_closed_total\{reason="idle"\} 1/);
    } finally {
      silent.sock?.destroy();
      talker.sock?.destroy();
    }
  });
});

describe('trusted sources and peers', () => {
  test('an INVITE from outside the trusted networks gets 403 and no webhook; a trusted source gets through', async () => {
    const { app, number, port } = await server({ sipTrustedSources: '127.0.0.2/32' }, '<Response><Reject/></Response>');
    const outsider = await udpPeer('127.0.0.1');
    const trunk = await udpPeer('127.0.0.2');
    try {
      const refused = outsider.invite(number, port);
      assert.equal((await until('403', () => outsider.final(refused))).status, 403);
      const ok = trunk.invite(number, port);
      assert.equal((await until("the app's reject", () => trunk.final(ok))).status, 603);
      const hooks = app.received.filter((r) => r.path === '/voice');
      assert.equal(hooks.length, 1);
      assert.match(hooks[0]?.params.From ?? '', /@127\.0\.0\.2:/);
    } finally {
      outsider.close();
      trunk.close();
    }
  });

  test('a peer outside them is challenged: the right password calls in, a wrong one gets 403', async () => {
    const { app, number, port } = await server({ sipTrustedSources: '127.0.0.2', sipPeers: 'office:s3cret' }, '<Response><Reject/></Response>');
    const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0 });
    try {
      const target = `sip:${number}@127.0.0.1:${port}`;
      const none = await ep.invite(target, createOffer({ address: '127.0.0.1', port: 40040 })).result;
      assert.equal(none.kind === 'rejected' ? none.status : none.kind, 401);
      const wrong = await ep.invite(target, createOffer({ address: '127.0.0.1', port: 40042 }), { auth: { username: 'office', password: 'guess' } }).result;
      assert.equal(wrong.kind === 'rejected' ? wrong.status : wrong.kind, 403);
      assert.equal(app.received.filter((r) => r.path === '/voice').length, 0);
      const right = await ep.invite(target, createOffer({ address: '127.0.0.1', port: 40044 }), { auth: { username: 'office', password: 's3cret' } }).result;
      assert.equal(right.kind === 'rejected' ? right.status : right.kind, 603, 'authenticated: the app ran and rejected it');
      assert.equal(app.received.filter((r) => r.path === '/voice').length, 1);
    } finally {
      await ep.close();
    }
  });
});
