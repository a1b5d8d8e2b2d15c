/**
 * Cookies on webhooks, as Twilio keeps them: per SMS conversation (To/From pair) for up to 4 hours, and per
 * call across its TwiML requests. The app is a real HTTP server answering with the SDK's TwiML builders.
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import type { Clock } from '../src/core/clock.js';
import { startSwitchboard } from '../src/main.js';
import { FakeApp, type ReceivedRequest, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

const HOUR = 3600_000;

/** The server's clock: real time plus an offset the test moves, so a 4-hour expiry needs no waiting. */
let offset = 0;
const clock: Clock = { now: () => Date.now() + offset };

let s: TestServer;
let app: FakeApp;
let shop = '';

before(async () => {
  s = await startTestServer({}, {}, { clock });
  app = await new FakeApp().start();
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', smsUrl: `${app.base}/survey/sms`, voiceUrl: `${app.base}/ivr` })).phoneNumber;
});
after(async () => {
  await app.stop();
  await s.close();
});

function cookiesOf(r: ReceivedRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of String(r.headers.cookie ?? '').split(/;\s*/)) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i)] = decodeURIComponent(part.slice(i + 1));
  }
  return out;
}

function twiml(res: ServerResponse, xml: string, setCookie: string[] = []): void {
  res.writeHead(200, { 'content-type': 'text/xml', 'set-cookie': setCookie }).end(xml);
}

interface InboxMessage {
  direction: string;
  body: string;
  peer: string;
}

const inbox = async (base: string, phone: string): Promise<InboxMessage[]> => {
  const res = await fetch(`${base}/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Messages`, {
    headers: { authorization: `Basic ${Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64')}` },
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { messages: InboxMessage[] }).messages;
};
/** The phone texts the shop and waits for the survey's answer (the newest message from the shop). */
const text = async (phone: string, body: string, base = s.url): Promise<string> => {
  const before = (await inbox(base, phone)).filter((m) => m.direction === 'received').length;
  const res = await fetch(`${base}/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Messages`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ To: shop, Body: body }).toString(),
  });
  assert.equal(res.status, 201);
  return eventually(async () => {
    const got = (await inbox(base, phone)).filter((m) => m.direction === 'received');
    return got.length > before ? got[0]!.body : undefined;
  }, 15_000);
};

describe('SMS conversations keep the cookies the app sets', () => {
  // A three-question survey whose only state is a cookie, as Twilio's conversation tutorials build it.
  const QUESTIONS = ['What is your name?', 'What is your favourite colour?', 'Pick a number from 1 to 10.'];
  before(() => {
    app.on('/survey/sms', (req, res) => {
      const state = cookiesOf(req).survey;
      const answers: string[] = state ? (JSON.parse(state) as string[]) : [];
      const reply = new twilio.twiml.MessagingResponse();
      if (!state) {
        reply.message(QUESTIONS[0]!);
        return twiml(res, reply.toString(), [`survey=${encodeURIComponent('[]')}; Path=/survey; HttpOnly`]);
      }
      answers.push(req.params.Body ?? '');
      if (answers.length < QUESTIONS.length) {
        reply.message(QUESTIONS[answers.length]!);
        return twiml(res, reply.toString(), [`survey=${encodeURIComponent(JSON.stringify(answers))}; Path=/survey`]);
      }
      reply.message(`Thanks! ${answers.join(' / ')}`);
      twiml(res, reply.toString(), ['survey=; Path=/survey; Max-Age=0']);
    });
  });

  test('a 3-question survey keeps its state in a cookie across replies; a second phone has its own conversation', async () => {
    const alice = '+15558670001';
    const bob = '+15558670002';
    assert.equal(await text(alice, 'survey'), QUESTIONS[0]);
    assert.equal(await text(alice, 'Alice'), QUESTIONS[1]);
    // Bob's conversation starts from the beginning: his To/From pair has no cookie.
    assert.equal(await text(bob, 'hello'), QUESTIONS[0]);
    assert.equal(await text(alice, 'blue'), QUESTIONS[2]);
    assert.equal(await text(bob, 'Bob'), QUESTIONS[1]);
    assert.equal(await text(alice, '7'), 'Thanks! Alice / blue / 7');
    // The survey deleted its cookie (Max-Age=0): Alice starts over.
    assert.equal(await text(alice, 'again'), QUESTIONS[0]);

    // Every webhook is signed as before: cookies are not part of the signature.
    const hits = app.receivedAt('/survey/sms');
    for (const r of hits) assert.equal(twilio.validateRequest(s.authToken, String(r.headers['x-twilio-signature']), r.url, r.multiParams), true);
    const aliceCookies = hits.filter((r) => r.params.From === alice).map((r) => cookiesOf(r).survey);
    assert.deepEqual(aliceCookies, [undefined, '[]', '["Alice"]', '["Alice","blue"]', undefined]);
    // The inspector shows the Cookie header each request carried.
    const res = await s.fetch(`/switchboard/v1/WebhookRequests?PageSize=50`);
    const records = ((await res.json()) as { webhook_requests: { url: string; request: { headers: Record<string, string> } }[] }).webhook_requests;
    assert.ok(records.some((r) => r.request.headers.Cookie === 'survey=%5B%22Alice%22%5D'));
  });
});

describe('a call keeps the cookies of its TwiML requests', () => {
  test('Gather -> action carries the cookie the first answer set; another call starts without it', async () => {
    let calls = 0;
    app.on('/ivr', (req, res) => {
      const r = new twilio.twiml.VoiceResponse();
      const gather = r.gather({ numDigits: 1, timeout: 3, action: '/ivr/menu' });
      gather.say('Press 1.');
      calls++;
      twiml(res, r.toString(), [`visit=${calls}-${req.params.CallSid}; Path=/ivr`]);
    });
    app.on('/ivr/menu', (_req, res) => {
      const r = new twilio.twiml.VoiceResponse();
      r.hangup();
      twiml(res, r.toString());
    });
    const dial = async (caller: string): Promise<string> => {
      const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(caller)}/Calls`, { method: 'POST', form: { To: shop, Digits: '1' } });
      assert.equal(res.status, 201);
      return ((await res.json()) as { call_sid: string }).call_sid;
    };
    const first = await dial('+15558670010');
    const action = await app.waitFor((r) => r.path === '/ivr/menu' && r.params.CallSid === first, 20_000);
    assert.equal(action.params.Digits, '1');
    assert.equal(cookiesOf(action).visit, `1-${first}`);
    const second = await dial('+15558670011');
    const opening = await app.waitFor((r) => r.path === '/ivr' && r.params.CallSid === second, 20_000);
    assert.equal(opening.headers.cookie, undefined, "a new call does not see another call's cookies");
    const action2 = await app.waitFor((r) => r.path === '/ivr/menu' && r.params.CallSid === second, 20_000);
    assert.equal(cookiesOf(action2).visit, `2-${second}`);
  });
});

describe('SMS cookies expire, and survive a restart until then', () => {
  test('cookies expire: Max-Age as set, and 4 hours at most; the cookie survives a restart until then', async () => {
    const carol = '+15558670003';
    app.on('/survey/sms', (req, res) => {
      const seen = Object.keys(cookiesOf(req)).sort().join(',') || 'none';
      const reply = new twilio.twiml.MessagingResponse();
      reply.message(`seen ${seen}`);
      if (req.params.Body !== 'one') return twiml(res, reply.toString());
      // Expires far in the future is capped to Twilio's 4 hours.
      twiml(res, reply.toString(), ['short=1; Path=/; Max-Age=60', `long=1; Path=/; Expires=${new Date(clock.now() + 48 * HOUR).toUTCString()}`]);
    });
    assert.equal(await text(carol, 'one'), 'seen none');
    assert.equal(await text(carol, 'two'), 'seen long,short');

    // A restart: the jar is in the store, not in memory.
    await s.sb.close();
    const restarted = await startSwitchboard(s.config, { clock });
    try {
      offset += 61_000;
      assert.equal(await text(carol, 'three', restarted.url), 'seen long');
      // A minute short of 4 hours since 'one' set it (the test's own seconds included), 'long' is still sent...
      offset += 4 * HOUR - 121_000;
      assert.equal(await text(carol, 'four', restarted.url), 'seen long');
      // ...and two minutes later it is gone, though it asked for 48 hours.
      offset += 120_000;
      assert.equal(await text(carol, 'five', restarted.url), 'seen none');
    } finally {
      await restarted.close();
    }
  });
});
