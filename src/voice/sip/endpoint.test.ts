import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSipEndpoint } from './endpoint.js';
import type { SipEndpoint } from './endpoint.js';
import type { IncomingCall } from './incoming-call.js';
import { getHeader } from './message.js';
import type { SipResponse } from './message.js';
import { verifyDigest } from './digest.js';
import { rawPeer } from './test-support/raw-peer.js';
import { within } from './test-support/peers.js';

const OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n';
const ANSWER = OFFER.replace('40000', '40002');

async function pair(t: { after(fn: () => Promise<void>): void }, options: Parameters<typeof createSipEndpoint>[0] = {}) {
  const a = await createSipEndpoint({ host: '127.0.0.1', port: 0, ...options });
  const b = await createSipEndpoint({ host: '127.0.0.1', port: 0, ...options });
  t.after(async () => {
    await a.close();
    await b.close();
  });
  return { a, b };
}

function nextInvite(ep: SipEndpoint): Promise<IncomingCall> {
  return within(new Promise((resolve) => ep.once('invite', resolve)), 5000, 'INVITE');
}

test('UDP call: ringing, answer, ACK, BYE from the caller; Request-URI and To users exposed', async (t) => {
  const { a, b } = await pair(t);
  const incoming = nextInvite(b);
  const call = a.invite(`sip:+15551230000@127.0.0.1:${b.ports.udp}`, OFFER, { to: 'sip:+15557654321@example.com', from: 'sip:+15550001111@127.0.0.1' });
  const provisional = new Promise((resolve) => call.once('provisional', resolve));
  const uas = await incoming;
  assert.equal(uas.requestUser, '+15551230000');
  assert.equal(uas.toUser, '+15557654321');
  assert.equal(uas.fromUser, '+15550001111');
  assert.equal(uas.remoteSdp, OFFER);
  uas.ringing();
  assert.deepEqual(await provisional, { status: 180, reason: 'Ringing' });
  const confirmed = uas.answer(ANSWER);
  assert.deepEqual(await call.result, { kind: 'answered', status: 200, sdp: ANSWER });
  await within(confirmed, 5000, 'ACK');
  assert.equal(uas.state, 'confirmed');
  const bye = new Promise((resolve) => uas.once('bye', () => resolve(uas.endReason)));
  await call.bye();
  assert.equal(await bye, 'remote-bye');
  assert.equal(call.endReason, 'local-bye');
});

test('TCP call with the callee hanging up', async (t) => {
  const { a, b } = await pair(t);
  const incoming = nextInvite(b);
  const call = a.invite(`sip:bob@127.0.0.1:${b.ports.tcp};transport=tcp`, OFFER);
  const uas = await incoming;
  assert.equal(uas.source.protocol, 'tcp');
  await Promise.all([uas.answer(ANSWER), call.result]);
  const ended = new Promise((resolve) => call.once('terminated', resolve));
  await uas.bye();
  assert.equal(await within(ended, 5000, 'BYE over TCP'), 'remote-bye');
});

test('reject, no listener, and timer B outcomes', async (t) => {
  const { a, b } = await pair(t, { timers: { t1: 10 } });
  b.once('invite', (c) => c.reject(486));
  assert.deepEqual(await a.invite(`sip:x@127.0.0.1:${b.ports.udp}`, OFFER).result, { kind: 'rejected', status: 486, reason: 'Busy Here' });

  const c = await createSipEndpoint({ host: '127.0.0.1', port: 0 });
  t.after(() => c.close());
  assert.equal(((await a.invite(`sip:x@127.0.0.1:${c.ports.udp}`, OFFER).result) as { status: number }).status, 480);

  const silent = await rawPeer(); // never answers: timer B = 64*T1 = 640 ms here
  t.after(() => silent.close());
  assert.deepEqual(await within(a.invite(`sip:x@127.0.0.1:${silent.port}`, OFFER).result, 5000, 'timer B'), {
    kind: 'failed',
    status: 408,
    reason: 'Request Timeout',
  });
  assert.ok(silent.received.length >= 5, 'timer A retransmitted the INVITE');
});

test('ring timeout sends CANCEL: callee sees cancel, caller gets no-answer; cancel() gives canceled', async (t) => {
  const { a, b } = await pair(t);
  b.on('invite', (c) => c.ringing());
  const cancelled = new Promise((resolve) => b.once('invite', (c) => c.once('cancel', () => resolve(c.endReason))));
  const r = await within(a.invite(`sip:x@127.0.0.1:${b.ports.udp}`, OFFER, { timeoutMs: 300 }).result, 5000, 'ring timeout');
  assert.deepEqual(r, { kind: 'no-answer' });
  assert.equal(await cancelled, 'canceled');

  const call = a.invite(`sip:x@127.0.0.1:${b.ports.udp}`, OFFER);
  call.once('provisional', () => call.cancel());
  assert.deepEqual(await within(call.result, 5000, 'cancel'), { kind: 'canceled' });
});

test('digest auth: 401 and 407 are answered once; a wrong password ends in rejected', async (t) => {
  const { a, b } = await pair(t);
  const seen: string[] = [];
  b.on('invite', (c) => {
    const user = c.requestUser ?? '';
    const header = user === 'proxy' ? 'Proxy-Authorization' : 'Authorization';
    const auth = getHeader(c.request, header);
    seen.push(`${user}:${auth ? 'auth' : 'none'}`);
    if (auth && verifyDigest(auth, 'INVITE', 'pw')) return void c.answer(ANSWER).catch(() => undefined);
    const status = user === 'proxy' ? 407 : 401;
    const name = status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate';
    c.reject(status, { headers: [{ name, value: `Digest realm="trunk", nonce="${Date.now()}", qop="auth"` }] });
  });
  const target = (u: string) => `sip:${u}@127.0.0.1:${b.ports.udp}`;
  const ok = a.invite(target('www'), OFFER, { auth: { username: 'u', password: 'pw' } });
  assert.equal((await ok.result).kind, 'answered');
  assert.equal((await a.invite(target('proxy'), OFFER, { auth: { username: 'u', password: 'pw' } }).result).kind, 'answered');
  const bad = await a.invite(target('www'), OFFER, { auth: { username: 'u', password: 'nope' } }).result;
  assert.equal(bad.kind === 'rejected' && bad.status, 401);
  assert.deepEqual(seen, ['www:none', 'www:auth', 'proxy:none', 'proxy:auth', 'www:none', 'www:auth', 'www:auth']);
  await ok.bye();
});

test('re-INVITE both ways and INFO inside the dialog', async (t) => {
  const { a, b } = await pair(t);
  const incoming = nextInvite(b);
  const call = a.invite(`sip:x@127.0.0.1:${b.ports.udp}`, OFFER);
  const uas = await incoming;
  await Promise.all([uas.answer(ANSWER), call.result]);

  uas.once('reinvite', (r) => r.accept(ANSWER.replace('40002', '40004')));
  const hold = await call.reinvite(OFFER.replace('t=0 0', 't=0 0\r\na=sendonly'));
  assert.ok(hold.ok && hold.sdp.includes('40004'));
  assert.ok(uas.remoteSdp?.includes('sendonly'));

  const back = await uas.reinvite(ANSWER); // no listener on the caller: it answers with its last SDP
  assert.ok(back.ok && back.sdp === OFFER.replace('t=0 0', 't=0 0\r\na=sendonly'));

  const info = new Promise((resolve) => uas.once('info', (i) => resolve(`${i.contentType}|${i.body.toString()}`)));
  const res = await call.sendInfo('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n');
  assert.equal(res.status, 200);
  assert.equal(await info, 'application/dtmf-relay|Signal=5\r\nDuration=160\r\n');
  await call.bye();
});

test('the callee retransmits its 200 until the ACK, then gives up with BYE', async (t) => {
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0, timers: { t1: 20, t2: 80 } });
  const peer = await rawPeer();
  t.after(async () => {
    peer.close();
    await ep.close();
  });
  const answered = new Promise<Error>((resolve) => ep.once('invite', (c) => c.answer(ANSWER).then(() => resolve(new Error('resolved')), resolve)));
  peer.send(
    `INVITE sip:bob@127.0.0.1:${ep.ports.udp} SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKnoack;rport
From: <sip:raw@127.0.0.1>;tag=raw1
To: <sip:bob@127.0.0.1>
Call-ID: noack@raw
CSeq: 1 INVITE
Contact: <sip:raw@127.0.0.1:${peer.port}>
Max-Forwards: 70
Content-Length: 0

`,
    ep.ports.udp ?? 0,
  );
  const err = await within(answered, 10000, 'ACK timeout');
  assert.match(err.message, /ack-timeout/);
  const oks = peer.received.filter((m) => m.type === 'response' && m.status === 200);
  assert.ok(oks.length >= 4, `200 OK retransmitted (${oks.length})`);
  const bye = await peer.next((m) => m.type === 'request' && m.method === 'BYE', 5000, 'BYE');
  assert.equal(getHeader(bye, 'Call-ID'), 'noack@raw');
});

test('the caller re-ACKs a retransmitted 2xx and hangs up a second (forked) 2xx', async (t) => {
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0 });
  const peer = await rawPeer();
  t.after(async () => {
    peer.close();
    await ep.close();
  });
  const call = ep.invite(`sip:bob@127.0.0.1:${peer.port}`, OFFER);
  const invite = await peer.next((m) => m.type === 'request' && m.method === 'INVITE');
  const ok = (tag: string): string => {
    const lines = invite.headers.filter((h) => ['Via', 'From', 'Call-ID', 'CSeq'].includes(h.name)).map((h) => `${h.name}: ${h.value}`);
    return `SIP/2.0 200 OK\n${lines.join('\n')}\nTo: <sip:bob@127.0.0.1>;tag=${tag}\nContact: <sip:bob@127.0.0.1:${peer.port}>\nContent-Length: 0\n\n`;
  };
  peer.send(ok('leg1'), ep.ports.udp ?? 0);
  assert.equal((await call.result).kind, 'answered');
  await peer.next((m) => m.type === 'request' && m.method === 'ACK', 5000, 'first ACK');
  peer.send(ok('leg1'), ep.ports.udp ?? 0);
  await peer.next((m) => m.type === 'request' && m.method === 'ACK', 5000, 'ACK for the retransmission');
  peer.send(ok('leg2'), ep.ports.udp ?? 0);
  await peer.next((m) => m.type === 'request' && m.method === 'ACK' && (getHeader(m, 'To') ?? '').includes('leg2'), 5000, 'ACK of leg 2');
  const bye = await peer.next((m) => m.type === 'request' && m.method === 'BYE', 5000, 'BYE of leg 2');
  assert.ok(getHeader(bye, 'To')?.includes('leg2'));
  assert.equal(call.state, 'confirmed', 'the first leg is untouched');
});

test('stray and unsupported requests: 481, 405, 420, 400, and the request event', async (t) => {
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0 });
  const peer = await rawPeer();
  t.after(async () => {
    peer.close();
    await ep.close();
  });
  const port = ep.ports.udp ?? 0;
  const base = (method: string, branch: string, extra = '', cseq = `1 ${method}`) => `${method} sip:bob@127.0.0.1:${port} SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK${branch};rport
From: <sip:raw@127.0.0.1>;tag=r
To: <sip:bob@127.0.0.1>${method === 'BYE' ? ';tag=unknown' : ''}
Call-ID: stray-${branch}
CSeq: ${cseq}
Max-Forwards: 70
${extra}Content-Length: 0

`;
  const statusFor = async (branch: string): Promise<number> => {
    const m = (await peer.next((x) => x.type === 'response' && (getHeader(x, 'Call-ID') ?? '').endsWith(branch) && x.status >= 200)) as SipResponse;
    return m.status;
  };
  peer.send(base('BYE', 'b1'), port);
  assert.equal(await statusFor('b1'), 481);
  peer.send(base('MESSAGE', 'm1'), port);
  assert.equal(await statusFor('m1'), 405);
  peer.send(base('INVITE', 'r1', 'Require: 100rel\n'), port);
  assert.equal(await statusFor('r1'), 420);
  peer.send(base('INVITE', 'c1').replace('Max-Forwards: 70', 'Max-Forwards: lots'), port);
  assert.equal(await statusFor('c1'), 400);
  peer.send(base('CANCEL', 'n1'), port);
  assert.equal(await statusFor('n1'), 481);
  const handled = new Promise((resolve) =>
    ep.once('request', (r) => {
      r.respond(200);
      resolve(r.request.method);
    }),
  );
  peer.send(base('MESSAGE', 'm2'), port);
  assert.equal(await handled, 'MESSAGE');
  assert.equal(await statusFor('m2'), 200);
});

test('hangup() in every state, and close() ends live calls with shutdown', async (t) => {
  const { a, b } = await pair(t);
  b.once('invite', (c) => void c.hangup());
  assert.deepEqual(await a.invite(`sip:x@127.0.0.1:${b.ports.udp}`, OFFER).result, { kind: 'rejected', status: 603, reason: 'Decline' });

  b.once('invite', (c) => c.ringing());
  const ringing = a.invite(`sip:x@127.0.0.1:${b.ports.udp}`, OFFER);
  ringing.once('provisional', () => void ringing.hangup());
  assert.deepEqual(await within(ringing.result, 5000, 'hangup while ringing'), { kind: 'canceled' });

  const incoming = nextInvite(b);
  const call = a.invite(`sip:x@127.0.0.1:${b.ports.udp}`, OFFER);
  const uas = await incoming;
  await Promise.all([uas.answer(ANSWER), call.result]);
  const reasons: string[] = [];
  uas.once('terminated', (r) => reasons.push(r));
  await b.close();
  assert.deepEqual(reasons, ['shutdown']);
  assert.equal(uas.state, 'terminated');
  void call.hangup(); // the BYE goes nowhere now; the call still ends at once on our side
  assert.equal(call.endReason, 'local-bye');
});

test('a ring timeout before any response reports no-answer at once and CANCELs when a 180 finally comes', async (t) => {
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0, transports: ['udp'] });
  const peer = await rawPeer();
  t.after(async () => {
    peer.close();
    await ep.close();
  });
  const call = ep.invite(`sip:late@127.0.0.1:${peer.port}`, OFFER, { timeoutMs: 100 });
  assert.deepEqual(await within(call.result, 3000, 'outcome'), { kind: 'no-answer' });
  const invite = await peer.next((m) => m.type === 'request' && m.method === 'INVITE');
  const lines = invite.headers.filter((h) => ['Via', 'From', 'To', 'Call-ID', 'CSeq'].includes(h.name)).map((h) => `${h.name}: ${h.value}`);
  peer.send(`SIP/2.0 180 Ringing\n${lines.join('\n')}\nContent-Length: 0\n\n`, ep.ports.udp ?? 0);
  const cancel = await peer.next((m) => m.type === 'request' && m.method === 'CANCEL', 3000, 'CANCEL');
  assert.equal(getHeader(cancel, 'Via'), getHeader(invite, 'Via'), 'CANCEL reuses the INVITE branch');
});

test('an INVITE the application never answers gets 480 after maxRingMs', async (t) => {
  const { a, b } = await pair(t, { maxRingMs: 200 });
  b.on('invite', (c) => c.ringing());
  const r = await within(a.invite(`sip:x@127.0.0.1:${b.ports.udp}`, OFFER).result, 5000, 'maxRing');
  assert.equal(r.kind === 'rejected' && r.status, 480);
});
