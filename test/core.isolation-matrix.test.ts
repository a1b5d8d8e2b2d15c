/**
 * The isolation matrix: every resource an account can own (messaging, voice with queues, conferences and
 * their participants and recordings, transcriptions, streams, caller IDs, verify, video rooms, the logs) is
 * made in one account, then fetched, updated,
 * deleted and listed with another account's credentials, both under the prober's own account path and under
 * the owner's. Each answer must be Twilio's 404 (code 20404), no list may show the owner's SID, and the owner
 * still has the resource afterwards. Two pairs: sibling subaccounts (two customers), and a subaccount probing
 * its parent (the root). Also: a subaccount's webhooks are signed with the subaccount's auth token only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { eventually, FakeApp } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

let s: TestServer;
let app: FakeApp;

interface Cred {
  sid: string;
  token: string;
}

/** One owned resource: its paths (`{acct}` stands for the account in a 2010 path) and the SID to look for. */
interface Owned {
  name: string;
  sid: string;
  fetch?: string;
  update?: [path: string, form: Record<string, string>];
  remove?: string;
  /** A list that must not show `sid` to the prober (it may also be 404 when nested under a foreign parent). */
  list?: string;
}

const basic = (c: Cred) => `Basic ${Buffer.from(`${c.sid}:${c.token}`).toString('base64')}`;

async function call(c: Cred, method: string, path: string, form?: Record<string, string>): Promise<{ status: number; text: string }> {
  const init: RequestInit = { method, headers: { authorization: basic(c) } };
  if (form) {
    init.body = new URLSearchParams(form).toString();
    (init.headers as Record<string, string>)['content-type'] = 'application/x-www-form-urlencoded';
  }
  const res = await fetch(s.url + path, init);
  return { status: res.status, text: await res.text() };
}

async function json<T = Record<string, unknown>>(c: Cred, method: string, path: string, form?: Record<string, string>, expected?: number): Promise<T> {
  const r = await call(c, method, path, form);
  if (expected !== undefined) assert.equal(r.status, expected, `${method} ${path}: ${r.text}`);
  return JSON.parse(r.text) as T;
}

const api = (acct: string, rest: string) => `/2010-04-01/Accounts/${acct}${rest}`;

/** Makes one of every resource in `owner`'s account; `root` when owner is the root (Carriers are root's). */
async function populate(owner: Cred, tag: string, isRoot: boolean): Promise<Owned[]> {
  const A = (rest: string) => api(owner.sid, rest);
  const number = await json(
    owner,
    'POST',
    A('/IncomingPhoneNumbers.json'),
    { AreaCode: '415', SmsUrl: `${app.base}/fail`, VoiceUrl: `${app.base}/voice` },
    201,
  );
  const from = String(number.phone_number);
  const message = await json(owner, 'POST', A('/Messages.json'), { From: from, To: '+15558670001', Body: `isolation ${tag}` }, 201);
  const mms = await json(owner, 'POST', A('/Messages.json'), { From: from, To: '+15558670002', MediaUrl: `${app.base}/image.png` }, 201);
  const media = await eventually(async () => {
    const list = await json<{ media_list: Array<{ sid: string }> }>(owner, 'GET', A(`/Messages/${String(mms.sid)}/Media.json`));
    return list.media_list[0];
  });
  const recorded = await json(
    owner,
    'POST',
    A('/Calls.json'),
    { From: from, To: '+15558670003', Twiml: '<Response><Pause length="1"/></Response>', Record: 'true' },
    201,
  );
  const recording = await eventually(async () => {
    const list = await json<{ recordings: Array<{ sid: string; status: string }> }>(owner, 'GET', A(`/Calls/${String(recorded.sid)}/Recordings.json`));
    return list.recordings.find((r) => r.status === 'completed');
  }, 20_000);
  const queue = await json(owner, 'POST', A('/Queues.json'), { FriendlyName: `q-${tag}` }, 201);
  const waiting = await json(
    owner,
    'POST',
    A('/Calls.json'),
    { From: from, To: '+15558670004', Twiml: `<Response><Enqueue>q-${tag}</Enqueue></Response>` },
    201,
  );
  await eventually(async () => {
    const m = await json<{ queue_members: Array<{ call_sid: string }> }>(owner, 'GET', A(`/Queues/${String(queue.sid)}/Members.json`));
    return m.queue_members.some((x) => x.call_sid === waiting.sid) || undefined;
  }, 20_000);
  const application = await json(owner, 'POST', A('/Applications.json'), { FriendlyName: `app-${tag}` }, 201);
  const key = await json(owner, 'POST', A('/Keys.json'), { FriendlyName: `key-${tag}` }, 201);
  const service = await json(owner, 'POST', '/messaging/v1/Services', { FriendlyName: `ms-${tag}` }, 201);
  const verify = await json(owner, 'POST', '/verify/v2/Services', { FriendlyName: `verify-${tag}` }, 201);
  const verification = await json(owner, 'POST', `/verify/v2/Services/${String(verify.sid)}/Verifications`, { To: '+15558670005', Channel: 'sms' }, 201);
  const attempt = await eventually(async () => {
    const list = await json<{ attempts: Array<{ sid: string }> }>(owner, 'GET', `/verify/v2/Attempts?VerificationSid=${String(verification.sid)}`);
    return list.attempts[0];
  });
  const room = await json(owner, 'POST', '/video/v1/Rooms', { UniqueName: `room-${tag}` }, 201);
  // A virtual phone texts the number, whose SmsUrl fails: a logged webhook request and an alert (11200).
  await json(owner, 'POST', `/switchboard/v1/VirtualPhones/${encodeURIComponent('+15558670006')}/Messages`, { To: from, Body: 'hello' }, 201);
  const request = await eventually(async () => {
    const list = await json<{ webhook_requests: Array<{ sid: string; url: string }> }>(owner, 'GET', '/switchboard/v1/WebhookRequests');
    return list.webhook_requests.find((r) => r.url.endsWith('/fail'));
  });
  const alert = await eventually(async () => (await json<{ alerts: Array<{ sid: string }> }>(owner, 'GET', '/monitor/v1/Alerts')).alerts[0]);

  // Conferences: one live with two participants, one recorded (record-from-start) and ended by the owner.
  const confCall = (to: string, name: string, attrs = '') =>
    json(
      owner,
      'POST',
      A('/Calls.json'),
      { From: from, To: to, Twiml: `<Response><Dial><Conference beep="false"${attrs}>${name}</Conference></Dial></Response>` },
      201,
    );
  const inConf = async (name: string, count: number) =>
    eventually(async () => {
      const list = await json<{ conferences: Array<{ sid: string }> }>(owner, 'GET', A(`/Conferences.json?FriendlyName=${name}&Status=in-progress`));
      const c = list.conferences[0];
      if (!c) return undefined;
      const ps = await json<{ participants: Array<{ call_sid: string }> }>(owner, 'GET', A(`/Conferences/${c.sid}/Participants.json`));
      return ps.participants.length === count ? { sid: c.sid, calls: ps.participants.map((x) => x.call_sid) } : undefined;
    }, 20_000);
  await confCall('+15558670008', `conf-${tag}`);
  await confCall('+15558670009', `conf-${tag}`);
  const conf = await inConf(`conf-${tag}`, 2);
  await confCall('+15558670010', `rec-${tag}`, ' record="record-from-start"');
  await confCall('+15558670011', `rec-${tag}`);
  const recConf = await inConf(`rec-${tag}`, 2);
  await new Promise((r) => setTimeout(r, 1500));
  await json(owner, 'POST', A(`/Conferences/${recConf.sid}.json`), { Status: 'completed' }, 200);
  const confRecording = await eventually(async () => {
    const list = await json<{ recordings: Array<{ sid: string }> }>(owner, 'GET', A(`/Conferences/${recConf.sid}/Recordings.json`));
    return list.recordings[0];
  }, 20_000);
  // A voicemail with transcribe="true": its transcription row exists from the moment the recording is kept.
  await json(owner, 'POST', `/switchboard/v1/VirtualPhones/${encodeURIComponent('+15558670012')}/CallBehavior`, { Audio: 'tone:440' }, 200);
  const voicemail = await json(
    owner,
    'POST',
    A('/Calls.json'),
    { From: from, To: '+15558670012', Twiml: '<Response><Record transcribe="true" maxLength="3" timeout="10" playBeep="false"/></Response>' },
    201,
  );
  const transcription = await eventually(async () => {
    const list = await json<{ transcriptions: Array<{ sid: string; recording_sid: string }> }>(owner, 'GET', A('/Transcriptions.json'));
    return list.transcriptions.find((t) => t.recording_sid !== undefined);
  }, 30_000);
  void voicemail;
  // A virtual phone answers a caller-ID validation call at once: the number becomes an OutgoingCallerId.
  await json(owner, 'POST', A('/OutgoingCallerIds.json'), { PhoneNumber: '+15558670014', FriendlyName: `cid-${tag}` }, 200);
  const callerId = await eventually(async () => {
    const list = await json<{ outgoing_caller_ids: Array<{ sid: string }> }>(owner, 'GET', A('/OutgoingCallerIds.json'));
    return list.outgoing_caller_ids[0];
  }, 20_000);
  const servicePhone = await json(owner, 'POST', `/messaging/v1/Services/${String(service.sid)}/PhoneNumbers`, { PhoneNumberSid: String(number.sid) }, 201);

  const m = String(message.sid);
  const owned: Owned[] = [
    {
      name: 'Message',
      sid: m,
      fetch: `/Messages/${m}.json`,
      update: [`/Messages/${m}.json`, { Body: '' }],
      remove: `/Messages/${m}.json`,
      list: '/Messages.json',
    },
    {
      name: 'Media',
      sid: media.sid,
      fetch: `/Messages/${String(mms.sid)}/Media/${media.sid}.json`,
      remove: `/Messages/${String(mms.sid)}/Media/${media.sid}.json`,
      list: `/Messages/${String(mms.sid)}/Media.json`,
    },
    {
      name: 'Call',
      sid: String(waiting.sid),
      fetch: `/Calls/${String(waiting.sid)}.json`,
      update: [`/Calls/${String(waiting.sid)}.json`, { Status: 'completed' }],
      remove: `/Calls/${String(waiting.sid)}.json`,
      list: '/Calls.json',
    },
    {
      name: 'Recording',
      sid: recording.sid,
      fetch: `/Recordings/${recording.sid}.json`,
      remove: `/Recordings/${recording.sid}.json`,
      list: '/Recordings.json',
    },
    // Switchboard has no fetch of one recording under its call (only the list), so the list is what is probed.
    {
      name: 'Recording of a call',
      sid: recording.sid,
      list: `/Calls/${String(recorded.sid)}/Recordings.json`,
    },
    {
      name: 'Queue',
      sid: String(queue.sid),
      fetch: `/Queues/${String(queue.sid)}.json`,
      update: [`/Queues/${String(queue.sid)}.json`, { MaxSize: '5' }],
      remove: `/Queues/${String(queue.sid)}.json`,
      list: '/Queues.json',
    },
    {
      name: 'Queue Member',
      sid: String(waiting.sid),
      fetch: `/Queues/${String(queue.sid)}/Members/${String(waiting.sid)}.json`,
      update: [`/Queues/${String(queue.sid)}/Members/${String(waiting.sid)}.json`, { Url: `${app.base}/dequeued` }],
      list: `/Queues/${String(queue.sid)}/Members.json`,
    },
    {
      name: 'Application',
      sid: String(application.sid),
      fetch: `/Applications/${String(application.sid)}.json`,
      update: [`/Applications/${String(application.sid)}.json`, { FriendlyName: 'taken' }],
      remove: `/Applications/${String(application.sid)}.json`,
      list: '/Applications.json',
    },
    {
      name: 'IncomingPhoneNumber',
      sid: String(number.sid),
      fetch: `/IncomingPhoneNumbers/${String(number.sid)}.json`,
      update: [`/IncomingPhoneNumbers/${String(number.sid)}.json`, { SmsUrl: 'http://127.0.0.1:9/stolen' }],
      remove: `/IncomingPhoneNumbers/${String(number.sid)}.json`,
      list: '/IncomingPhoneNumbers.json',
    },
    {
      name: 'Key',
      sid: String(key.sid),
      fetch: `/Keys/${String(key.sid)}.json`,
      update: [`/Keys/${String(key.sid)}.json`, { FriendlyName: 'taken' }],
      remove: `/Keys/${String(key.sid)}.json`,
      list: '/Keys.json',
    },
    { name: 'Notification', sid: alert.sid, fetch: `/Notifications/${alert.sid}.json`, list: '/Notifications.json' },
    {
      name: 'Conference',
      sid: conf.sid,
      fetch: `/Conferences/${conf.sid}.json`,
      update: [`/Conferences/${conf.sid}.json`, { Status: 'completed' }],
      list: '/Conferences.json',
    },
    {
      name: 'Participant',
      sid: conf.calls[0]!,
      fetch: `/Conferences/${conf.sid}/Participants/${conf.calls[0]!}.json`,
      update: [`/Conferences/${conf.sid}/Participants/${conf.calls[0]!}.json`, { Muted: 'true' }],
      remove: `/Conferences/${conf.sid}/Participants/${conf.calls[0]!}.json`,
      list: `/Conferences/${conf.sid}/Participants.json`,
    },
    // Dialling into another account's conference (by its SID) is a 404 too.
    { name: 'Participant create', sid: conf.sid, update: [`/Conferences/${conf.sid}/Participants.json`, { From: from, To: '+15558670013' }] },
    {
      name: 'Conference Recording',
      sid: confRecording.sid,
      fetch: `/Conferences/${recConf.sid}/Recordings/${confRecording.sid}.json`,
      list: `/Conferences/${recConf.sid}/Recordings.json`,
    },
    { name: 'Recording of a conference', sid: confRecording.sid, fetch: `/Recordings/${confRecording.sid}.json`, list: '/Recordings.json' },
    {
      name: 'Transcription',
      sid: transcription.sid,
      fetch: `/Transcriptions/${transcription.sid}.json`,
      remove: `/Transcriptions/${transcription.sid}.json`,
      list: '/Transcriptions.json',
    },
    {
      name: 'Transcription of a recording',
      sid: transcription.sid,
      fetch: `/Recordings/${transcription.recording_sid}/Transcriptions/${transcription.sid}.json`,
      remove: `/Recordings/${transcription.recording_sid}/Transcriptions/${transcription.sid}.json`,
      list: `/Recordings/${transcription.recording_sid}/Transcriptions.json`,
    },
    {
      name: 'OutgoingCallerId',
      sid: callerId.sid,
      fetch: `/OutgoingCallerIds/${callerId.sid}.json`,
      update: [`/OutgoingCallerIds/${callerId.sid}.json`, { FriendlyName: 'taken' }],
      remove: `/OutgoingCallerIds/${callerId.sid}.json`,
      list: '/OutgoingCallerIds.json',
    },
    // A Media Stream started on another account's live call.
    { name: 'Stream create', sid: conf.calls[1]!, update: [`/Calls/${conf.calls[1]!}/Streams.json`, { Url: 'wss://127.0.0.1:9/stolen' }] },
  ].map((o) => ({
    ...o,
    fetch: o.fetch && `{acct}${o.fetch}`,
    update: o.update && ([`{acct}${o.update[0]}`, o.update[1]] as [string, Record<string, string>]),
    remove: o.remove && `{acct}${o.remove}`,
    list: o.list && `{acct}${o.list}`,
  }));
  const v = String(verify.sid);
  owned.push(
    {
      name: 'Messaging Service',
      sid: String(service.sid),
      fetch: `/messaging/v1/Services/${String(service.sid)}`,
      update: [`/messaging/v1/Services/${String(service.sid)}`, { FriendlyName: 'taken' }],
      remove: `/messaging/v1/Services/${String(service.sid)}`,
      list: '/messaging/v1/Services',
    },
    {
      name: 'Verify Service',
      sid: v,
      fetch: `/verify/v2/Services/${v}`,
      update: [`/verify/v2/Services/${v}`, { FriendlyName: 'taken' }],
      remove: `/verify/v2/Services/${v}`,
      list: '/verify/v2/Services',
    },
    {
      name: 'Verification',
      sid: String(verification.sid),
      fetch: `/verify/v2/Services/${v}/Verifications/${String(verification.sid)}`,
      update: [`/verify/v2/Services/${v}/Verifications/${String(verification.sid)}`, { Status: 'canceled' }],
    },
    {
      name: 'VerificationCheck',
      sid: String(verification.sid),
      update: [`/verify/v2/Services/${v}/VerificationCheck`, { VerificationSid: String(verification.sid), Code: '000000' }],
    },
    {
      name: 'Messaging Service PhoneNumber',
      sid: String(servicePhone.sid),
      fetch: `/messaging/v1/Services/${String(service.sid)}/PhoneNumbers/${String(servicePhone.sid)}`,
      remove: `/messaging/v1/Services/${String(service.sid)}/PhoneNumbers/${String(servicePhone.sid)}`,
      list: `/messaging/v1/Services/${String(service.sid)}/PhoneNumbers`,
    },
    { name: 'Event (Monitor)', sid: `AE${request.sid.slice(2)}`, fetch: `/monitor/v1/Events/AE${request.sid.slice(2)}`, list: '/monitor/v1/Events' },
    { name: 'Verification Attempt', sid: attempt.sid, fetch: `/verify/v2/Attempts/${attempt.sid}`, list: '/verify/v2/Attempts' },
    {
      name: 'Room',
      sid: String(room.sid),
      fetch: `/video/v1/Rooms/${String(room.sid)}`,
      update: [`/video/v1/Rooms/${String(room.sid)}`, { Status: 'completed' }],
      list: '/video/v1/Rooms',
    },
    { name: 'Room by name', sid: String(room.sid), fetch: `/video/v1/Rooms/room-${tag}` },
    { name: 'WebhookRequest', sid: request.sid, fetch: `/switchboard/v1/WebhookRequests/${request.sid}`, list: '/switchboard/v1/WebhookRequests' },
    { name: 'Alert (Monitor)', sid: alert.sid, fetch: `/monitor/v1/Alerts/${alert.sid}`, list: '/monitor/v1/Alerts' },
    { name: 'Alert (Switchboard)', sid: alert.sid, fetch: `/switchboard/v1/Alerts/${alert.sid}`, list: '/switchboard/v1/Alerts' },
  );
  if (isRoot) {
    const carrier = await json(
      owner,
      'POST',
      '/switchboard/v1/Carriers',
      { Name: `carrier-${tag}`, Host: '127.0.0.1', Port: '9', SystemId: 'sb', Password: 'pw', Prefixes: '+44' },
      201,
    );
    owned.push({
      name: 'Carrier',
      sid: String(carrier.name),
      fetch: `/switchboard/v1/Carriers/${String(carrier.name)}`,
      update: ['/switchboard/v1/Carriers', { Name: String(carrier.name), Host: '127.0.0.1', Port: '10', SystemId: 'x', Password: 'y' }],
      remove: `/switchboard/v1/Carriers/${String(carrier.name)}`,
      list: '/switchboard/v1/Carriers',
    });
  }
  return owned;
}

/** Every way `prober` can reach `owner`'s resources: all 404 (20404), no SID in any list. */
async function probe(owner: Cred, prober: Cred, owned: Owned[]): Promise<string[]> {
  const leaks: string[] = [];
  const accounts = [prober.sid, owner.sid];
  const paths = (template: string) => (template.includes('{acct}') ? accounts.map((a) => template.replace('{acct}', `/2010-04-01/Accounts/${a}`)) : [template]);
  const expect404 = async (o: Owned, method: string, path: string, form?: Record<string, string>) => {
    const r = await call(prober, method, path, form);
    let code: unknown;
    try {
      code = (JSON.parse(r.text) as { code?: unknown }).code;
    } catch {
      code = undefined;
    }
    if (r.status !== 404 || code !== 20404) leaks.push(`${o.name}: ${method} ${path} -> ${r.status} ${r.text.slice(0, 160)}`);
  };
  for (const o of owned) {
    for (const p of o.fetch ? paths(o.fetch) : []) await expect404(o, 'GET', p);
    for (const p of o.update ? paths(o.update[0]) : []) await expect404(o, 'POST', p, o.update![1]);
  }
  // Deletes last, after every read and update had its chance to leak.
  for (const o of owned) for (const p of o.remove ? paths(o.remove) : []) await expect404(o, 'DELETE', p);
  for (const o of owned) {
    if (!o.list) continue;
    const [own, ...foreign] = paths(o.list);
    const r = await call(prober, 'GET', own!);
    if (r.text.includes(o.sid)) leaks.push(`${o.name}: GET ${own} lists ${o.sid}`);
    if (r.status !== 200 && r.status !== 404) leaks.push(`${o.name}: GET ${own} -> ${r.status}`);
    for (const p of foreign) await expect404(o, 'GET', p);
  }
  return leaks;
}

/** The owner still has every resource the prober tried to update or delete. */
async function ownerStillHas(owner: Cred, owned: Owned[]): Promise<string[]> {
  const missing: string[] = [];
  for (const o of owned) {
    if (!o.fetch) continue;
    const path = o.fetch.replace('{acct}', `/2010-04-01/Accounts/${owner.sid}`);
    const r = await call(owner, 'GET', path);
    if (r.status !== 200) missing.push(`${o.name}: ${path} -> ${r.status}`);
    else if (o.name === 'IncomingPhoneNumber' && r.text.includes('stolen')) missing.push(`${o.name}: the prober changed it`);
  }
  return missing;
}

before(async () => {
  s = await startTestServer();
  app = await new FakeApp((r) => {
    if (r.path === '/image.png') return { type: 'image/png', body: 'not really a png' };
    if (r.path === '/fail') return { status: 500, body: 'boom' };
    return undefined;
  }).start();
});
after(async () => {
  await s.close();
  await app.stop();
});

describe('isolation matrix', () => {
  test('sibling subaccounts: B reaches none of A’s resources, by either account path', async () => {
    const a = await s.client.api.v2010.accounts.create({ friendlyName: 'A' });
    const b = await s.client.api.v2010.accounts.create({ friendlyName: 'B' });
    const owner = { sid: a.sid, token: a.authToken };
    const owned = await populate(owner, 'sib', false);
    assert.ok(owned.length >= 30, `${owned.length} resources`);
    assert.deepEqual(await probe(owner, { sid: b.sid, token: b.authToken }, owned), []);
    assert.deepEqual(await ownerStillHas(owner, owned), []);
  });

  test('a subaccount reaches none of its parent’s resources, Carriers included', async () => {
    const child = await s.client.api.v2010.accounts.create({ friendlyName: 'child' });
    const root = { sid: s.accountSid, token: s.authToken };
    const owned = await populate(root, 'root', true);
    assert.deepEqual(await probe(root, { sid: child.sid, token: child.authToken }, owned), []);
    assert.deepEqual(await ownerStillHas(root, owned), []);
  });

  test("a subaccount's webhooks are signed with the subaccount's auth token, never the root's", async () => {
    const sub = await s.client.api.v2010.accounts.create({ friendlyName: 'signed' });
    const owner = { sid: sub.sid, token: sub.authToken };
    const number = await json(owner, 'POST', api(sub.sid, '/IncomingPhoneNumbers.json'), { AreaCode: '415', SmsUrl: `${app.base}/sub-sms` }, 201);
    await json(
      owner,
      'POST',
      `/switchboard/v1/VirtualPhones/${encodeURIComponent('+15558670007')}/Messages`,
      { To: String(number.phone_number), Body: 'sign me' },
      201,
    );
    const hook = await app.waitFor((r) => r.path === '/sub-sms');
    const signature = String(hook.headers['x-twilio-signature']);
    assert.equal(hook.params['AccountSid'], sub.sid);
    assert.ok(twilio.validateRequest(sub.authToken, signature, hook.url, hook.params), "valid with the subaccount's token");
    assert.ok(!twilio.validateRequest(s.authToken, signature, hook.url, hook.params), "invalid with the root's token");
  });
});
