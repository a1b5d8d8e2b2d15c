/**
 * Conferences end to end with virtual phones as real parties (RTP both ways, media on engine threads):
 * three callers each play a tone and each hears the other two and not its own (frequency analysis);
 * startConferenceOnEnter=false waits with hold music until a moderator comes; endConferenceOnExit ends it
 * for all, and each goes on at its Dial action; status callbacks come with Twilio's parameters and
 * increasing SequenceNumbers; the Conferences and Participants resources (checked against Twilio's
 * OpenAPI spec) list, mute, hold and kick; a participant dialled through the API is listed while it rings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { FakeApp, eventually, type ReceivedRequest } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { validateAgainstSpec } from './support/oai.js';
import { behave, hears, phoneCalls, type Heard } from './support/virtual-phones.js';

const API = 'twilio_api_v2010.json';
let s: TestServer;
let app: FakeApp;
let line = '';

before(async () => {
  s = await startTestServer();
  app = await new FakeApp().start();
  line = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
});
after(async () => {
  await s.close();
  await app.stop();
});

async function dial(phone: string, form: Record<string, string> = {}): Promise<string> {
  const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Calls`, { method: 'POST', form: { To: line, ...form } });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return (JSON.parse(text) as { call_sid: string }).call_sid;
}
async function heardBy(phone: string, sid: string): Promise<Heard | undefined> {
  return eventually(async () => {
    const call = (await phoneCalls(s, phone)).find((c) => c.call_sid === sid);
    return call?.events.find((e) => e.type === 'heard');
  }, 30_000);
}
const waitFor = (path: string, callSid: string, ms = 30_000) => app.waitFor((r) => r.path === path && r.params.CallSid === callSid, ms);
const final = (sid: string) =>
  eventually(async () => {
    const c = await s.client.calls(sid).fetch();
    return c.status === 'completed' ? c : undefined;
  }, 30_000);
const statusEvents = (sid: string): ReceivedRequest[] => app.received.filter((r) => r.path === '/conf-status' && r.params.ConferenceSid === sid);

describe('<Dial><Conference> with virtual phones', () => {
  test('three parties each hear the other two and not themselves; endConferenceOnExit ends it for all; callbacks in order', async () => {
    const phones = ['+15550300001', '+15550300002', '+15550300003'];
    const tones = [500, 900, 1400];
    app.respond((r) => {
      const vr = new twilio.twiml.VoiceResponse();
      if (r.path === '/voice') {
        const moderator = r.params.From === phones[0];
        vr.dial({ action: '/dial-done' }).conference(
          {
            beep: 'false',
            endConferenceOnExit: moderator,
            statusCallback: '/conf-status',
            statusCallbackEvent: ['start', 'end', 'join', 'leave'],
            participantLabel: `p-${r.params.From?.slice(-1)}`,
          },
          'Team Room',
        );
      } else if (r.path === '/dial-done') vr.say('Bye.');
      else if (r.path === '/conf-status') return { body: '' };
      else return undefined;
      return { body: vr.toString() };
    });
    const sids: string[] = [];
    // The moderator hangs up after 8 s, which ends the conference for the other two.
    sids.push(await dial(phones[0] as string, { Audio: `tone:${tones[0]}`, HangupAfter: '8' }));
    sids.push(await dial(phones[1] as string, { Audio: `tone:${tones[1]}` }));
    sids.push(await dial(phones[2] as string, { Audio: `tone:${tones[2]}` }));

    const conf = await eventually(async () => (await s.client.conferences.list({ friendlyName: 'Team Room', status: 'in-progress' }))[0]);
    assert.match(conf.sid, /^CF[0-9a-f]{32}$/);
    const fetched = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Conferences/${conf.sid}.json`);
    // reason_conference_ended is null while it runs (the spec says so in words, not in its nullable flag).
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.conference', await fetched.json(), { nullable: ['reason_conference_ended'] }), []);
    const parts = await eventually(async () => {
      const list = await s.client.conferences(conf.sid).participants.list();
      return list.length === 3 ? list : undefined;
    });
    assert.deepEqual(new Set(parts.map((p) => p.callSid)), new Set(sids));
    const one = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Conferences/${conf.sid}/Participants/${sids[1]}.json`);
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.conference.participant', await one.json()), []);
    assert.equal((await s.client.conferences(conf.sid).participants('p-2').fetch()).callSid, sids[1], 'fetched by label');

    // The two others are let go when the moderator leaves, and go on at their Dial action.
    for (const sid of sids.slice(1)) {
      const done = await waitFor('/dial-done', sid);
      assert.equal(done.params.DialCallStatus, 'completed');
    }
    for (let i = 0; i < 3; i++) {
      const heard = await heardBy(phones[i] as string, sids[i] as string);
      for (let j = 0; j < 3; j++) {
        if (i === j) assert.ok(!hears(heard, tones[j] as number), `party ${i} does not hear itself: ${JSON.stringify(heard)}`);
        else assert.ok(hears(heard, tones[j] as number), `party ${i} hears party ${j}: ${JSON.stringify(heard)}`);
      }
    }

    const ended = await eventually(async () => {
      const c = await s.client.conferences(conf.sid).fetch();
      return c.status === 'completed' ? c : undefined;
    });
    assert.equal(ended.reasonConferenceEnded, 'participant-with-end-conference-on-exit-left');
    const done = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Conferences/${conf.sid}.json`);
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.conference', await done.json()), []);
    assert.deepEqual(await s.client.conferences(conf.sid).participants.list(), [], 'nobody is left in it');
    assert.equal(ended.callSidEndingConference, sids[0]);
    const events = await eventually(async () => {
      const got = statusEvents(conf.sid);
      return got.some((e) => e.params.StatusCallbackEvent === 'conference-end') ? got : undefined;
    });
    const bySeq = [...events].sort((a, b) => Number(a.params.SequenceNumber) - Number(b.params.SequenceNumber));
    assert.deepEqual(
      bySeq.map((e) => Number(e.params.SequenceNumber)),
      bySeq.map((_, i) => i + 1),
      'sequence numbers count from 1 without gaps',
    );
    const names = bySeq.map((e) => e.params.StatusCallbackEvent);
    assert.deepEqual(names.slice(0, 3), ['participant-join', 'participant-join', 'conference-start']);
    assert.equal(names[3], 'participant-join');
    assert.equal(names.at(-1), 'conference-end');
    assert.equal(names.filter((n) => n === 'participant-leave').length, 3);
    const start = bySeq[2]?.params ?? {};
    assert.equal(start.FriendlyName, 'Team Room');
    assert.equal(start.AccountSid, s.accountSid);
    assert.ok(start.Timestamp && start.CallSid === undefined);
    const join = bySeq[0]?.params ?? {};
    assert.equal(join.CallSid, sids[0]);
    assert.equal(join.Muted, 'false');
    assert.equal(join.Hold, 'false');
    assert.equal(join.Coaching, 'false');
    assert.equal(join.EndConferenceOnExit, 'true');
    assert.equal(join.StartConferenceOnEnter, 'true');
    assert.equal(join.ParticipantLabel, 'p-1');
    const end = bySeq.at(-1)?.params ?? {};
    assert.equal(end.ReasonConferenceEnded, 'participant-with-end-conference-on-exit-left');
    assert.equal(end.CallSidEndingConference, sids[0]);
  });

  test('Participants API: create dials into the conference; muted is not heard, hold plays music, kick and Status=completed end calls', async () => {
    const host = '+15550300011';
    const muted = '+15550300012';
    const held = '+15550300013';
    app.respond((r) => {
      const vr = new twilio.twiml.VoiceResponse();
      if (r.path === '/voice') {
        vr.dial({ action: '/dial-done' }).conference(
          { beep: 'onEnter', statusCallback: '/conf-status', statusCallbackEvent: ['start', 'end', 'join', 'leave', 'mute', 'hold'] },
          'Desk',
        );
      } else if (r.path === '/dial-done') vr.hangup();
      else if (r.path === '/conf-status') return { body: '' };
      else return undefined;
      return { body: vr.toString() };
    });
    await behave(s, muted, { Audio: 'tone:900' });
    await behave(s, held, { Audio: 'tone:1400' });
    const a = await dial(host, { Audio: 'tone:500' });
    const conf = await eventually(async () => (await s.client.conferences.list({ friendlyName: 'Desk' }))[0]);
    const created = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Conferences/${conf.sid}/Participants.json`, {
      method: 'POST',
      form: { From: line, To: muted, Muted: 'true', Label: 'listener', EarlyMedia: 'true' },
    });
    const body = (await created.json()) as Record<string, unknown>;
    assert.equal(created.status, 201, JSON.stringify(body));
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.conference.participant', body), []);
    assert.equal(body.status, 'queued');
    assert.equal(body.conference_sid, conf.sid);
    const mutedSid = body.call_sid as string;
    // By friendly name, through the official SDK.
    const second = await s.client.conferences('Desk').participants.create({ from: line, to: held, label: 'held-one' });
    assert.equal(second.conferenceSid, conf.sid);
    const heldSid = second.callSid;
    // Dialled participants are listed at once (queued, ringing...): wait until all three are in.
    await eventually(
      async () => ((await s.client.conferences(conf.sid).participants.list()).filter((p) => p.status === 'connected').length === 3 ? true : undefined),
      20_000,
    );
    assert.deepEqual(
      (await s.client.conferences(conf.sid).participants.list({ muted: true })).map((p) => p.callSid),
      [mutedSid],
    );
    await new Promise((r) => setTimeout(r, 2500)); // everyone hears everyone a while

    const onHold = await s.client.conferences(conf.sid).participants('held-one').update({ hold: true });
    assert.equal(onHold.hold, true);
    assert.deepEqual(
      (await s.client.conferences(conf.sid).participants.list({ hold: true })).map((p) => p.callSid),
      [heldSid],
    );
    await new Promise((r) => setTimeout(r, 4000)); // the held one hears the hold music

    await s.client.conferences(conf.sid).participants(mutedSid).remove();
    await eventually(async () => ((await s.client.conferences(conf.sid).participants.list()).length === 2 ? true : undefined));
    const ended = await s.client.conferences(conf.sid).update({ status: 'completed' });
    assert.equal(ended.status, 'completed');
    assert.equal(ended.reasonConferenceEnded, 'conference-ended-via-api');
    const done = await waitFor('/dial-done', a);
    assert.equal(done.params.DialCallStatus, 'completed');

    const heardHost = await heardBy(host, a);
    assert.ok(hears(heardHost, 1400), `the host hears the held one before the hold: ${JSON.stringify(heardHost)}`);
    assert.ok(!hears(heardHost, 900), `the host does not hear the muted one: ${JSON.stringify(heardHost)}`);
    const heardMuted = await heardBy(muted, mutedSid);
    assert.ok(hears(heardMuted, 500), `the muted one hears the host: ${JSON.stringify(heardMuted)}`);
    const heardHeld = await heardBy(held, heldSid);
    assert.ok(hears(heardHeld, 262.5) || hears(heardHeld, 393.75), `the held one hears the hold music: ${JSON.stringify(heardHeld)}`);

    const events = statusEvents(conf.sid).map((e) => [e.params.StatusCallbackEvent, e.params.CallSid]);
    assert.ok(
      events.some(([n, c]) => n === 'participant-hold' && c === heldSid),
      JSON.stringify(events),
    );
    assert.ok(events.some(([n, c]) => n === 'participant-leave' && c === mutedSid));
    assert.equal(events.at(-1)?.[0], 'conference-end');
  });

  test('Participants API: a dialled participant is listed while it rings (queued, ringing, connecting, connected); MachineDetection; WaitUrl and BeepOnExit updates; unanswered ones drop out, a ringing one is kicked', async () => {
    const [host, ringer, busy, late] = ['+15550300031', '+15550300032', '+15550300033', '+15550300034'];
    app.respond((r) => {
      const vr = new twilio.twiml.VoiceResponse();
      if (r.path === '/voice') vr.dial({ action: '/dial-done' }).conference({ beep: 'false', startConferenceOnEnter: false }, 'Lobby');
      else if (r.path === '/dial-done') vr.hangup();
      else if (r.path === '/wait2') vr.pause({ length: 20 });
      else if (r.path === '/amd-status') return { body: '' };
      else return undefined;
      return { body: vr.toString() };
    });
    const h = await dial(host, { Audio: 'tone:500' });
    const conf = await eventually(async () => (await s.client.conferences.list({ friendlyName: 'Lobby', status: 'init' }))[0]);
    await eventually(async () => ((await s.client.conferences(conf.sid).participants.list()).length === 1 ? true : undefined));

    // The waiting host gets another wait document, by GET, at once; its leave beep is turned off.
    const updated = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Conferences/${conf.sid}/Participants/${h}.json`, {
      method: 'POST',
      form: { WaitUrl: `${app.base}/wait2`, WaitMethod: 'GET', BeepOnExit: 'false' },
    });
    assert.equal(updated.status, 200);
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.conference.participant', await updated.json()), []);
    const wait2 = await waitFor('/wait2', h, 15_000);
    assert.equal(wait2.method, 'GET');
    assert.equal(wait2.params.ConferenceSid, conf.sid);

    // Rings 4 s, then silence: MachineDetection (silence timeout 2 s) says unknown before it joins.
    await behave(s, ringer, { RingSeconds: '4', Audio: 'pause:30' });
    const created = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Conferences/${conf.sid}/Participants.json`, {
      method: 'POST',
      form: {
        From: line,
        To: ringer,
        Label: 'ringer',
        EarlyMedia: 'false',
        MachineDetection: 'Enable',
        MachineDetectionSilenceTimeout: '2000',
        MachineDetectionTimeout: '5',
        AmdStatusCallback: `${app.base}/amd-status`,
        AmdStatusCallbackMethod: 'POST',
      },
    });
    const body = (await created.json()) as Record<string, unknown>;
    assert.equal(created.status, 201, JSON.stringify(body));
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.conference.participant', body), []);
    assert.equal(body.status, 'queued');
    const r = body.call_sid as string;
    const seen: string[] = [];
    await eventually(
      async () => {
        const res = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Conferences/${conf.sid}/Participants/ringer.json`);
        const p = (await res.json()) as Record<string, unknown>;
        assert.equal(res.status, 200, JSON.stringify(p));
        assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.conference.participant', p), []);
        assert.equal(p.call_sid, r);
        if (seen.at(-1) !== p.status) seen.push(p.status as string);
        return p.status === 'connected' ? true : undefined;
      },
      30_000,
      100,
    );
    const order = ['queued', 'ringing', 'connecting', 'connected'];
    assert.deepEqual(
      [...seen].sort((a, b) => order.indexOf(a) - order.indexOf(b)),
      seen,
      `statuses in order: ${seen.join(', ')}`,
    );
    for (const st of ['ringing', 'connecting', 'connected']) assert.ok(seen.includes(st), `seen ${st}: ${seen.join(', ')}`);
    const listed = await s.client.conferences(conf.sid).participants.list();
    assert.deepEqual(new Set(listed.map((p) => p.callSid)), new Set([h, r]));
    const amd = await waitFor('/amd-status', r);
    assert.equal(amd.params.AnsweredBy, 'unknown');
    assert.ok(Number(amd.params.MachineDetectionDuration) >= 2000, amd.params.MachineDetectionDuration);
    assert.equal((await s.client.calls(r).fetch()).answeredBy, 'unknown');
    await eventually(async () => ((await s.client.conferences(conf.sid).fetch()).status === 'in-progress' ? true : undefined));

    // A busy callee is listed at most until its call fails, then not at all.
    await behave(s, busy, { Answer: 'busy' });
    const b = await s.client.conferences(conf.sid).participants.create({ from: line, to: busy });
    await eventually(async () => ((await s.client.calls(b.callSid).fetch()).status === 'busy' ? true : undefined), 15_000);
    assert.ok(!(await s.client.conferences(conf.sid).participants.list()).some((p) => p.callSid === b.callSid));
    const gone = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Conferences/${conf.sid}/Participants/${b.callSid}.json`);
    assert.equal(gone.status, 404);
    assert.equal(((await gone.json()) as { code: number }).code, 20404);

    // Kicking a participant whose call still rings cancels that call.
    await behave(s, late, { RingSeconds: '60' });
    const l = await s.client.conferences(conf.sid).participants.create({ from: line, to: late, label: 'late' });
    await eventually(async () => ((await s.client.conferences(conf.sid).participants('late').fetch()).status === 'ringing' ? true : undefined), 15_000);
    await s.client.conferences(conf.sid).participants('late').remove();
    await eventually(async () => ((await s.client.calls(l.callSid).fetch()).status === 'canceled' ? true : undefined), 15_000);
    assert.ok(!(await s.client.conferences(conf.sid).participants.list()).some((p) => p.callSid === l.callSid));

    await s.client.conferences(conf.sid).update({ status: 'completed' });
    await waitFor('/dial-done', h);
    // The dialled participant's call runs <Dial><Conference> alone: it hangs up when the conference ends.
    await final(r);
  });

  test('a conference made by a Participants create that nobody answers ends with that call', async () => {
    const nobody = '+15550300041';
    await behave(s, nobody, { Answer: 'busy' });
    const p = await s.client.conferences('Empty Room').participants.create({ from: line, to: nobody });
    const conf = await eventually(async () => {
      const c = await s.client.conferences(p.conferenceSid).fetch();
      return c.status === 'completed' ? c : undefined;
    }, 15_000);
    assert.equal(conf.friendlyName, 'Empty Room');
    assert.deepEqual(await s.client.conferences(p.conferenceSid).participants.list(), []);
  });

  test('startConferenceOnEnter=false waits with hold music until the moderator; a coach is heard by the coached one only; record-from-start', async () => {
    const [waiter, other, moderator, coach] = ['+15550300021', '+15550300022', '+15550300023', '+15550300024'];
    const tones: Record<string, number> = { [waiter as string]: 500, [other as string]: 900, [moderator as string]: 1400, [coach as string]: 2000 };
    let waiterSid = '';
    app.respond((r) => {
      const vr = new twilio.twiml.VoiceResponse();
      if (r.path === '/voice') {
        const from = r.params.From;
        if (from === waiter) waiterSid = r.params.CallSid as string;
        vr.dial({ action: '/dial-done' }).conference(
          {
            beep: 'false',
            startConferenceOnEnter: from === moderator || from === coach,
            endConferenceOnExit: from === moderator,
            ...(from === moderator ? { record: 'record-from-start', recordingStatusCallback: '/conf-rec' } : {}),
            ...(from === coach ? { coach: waiterSid } : {}),
          },
          'Coached',
        );
      } else if (r.path === '/dial-done') vr.hangup();
      else if (r.path === '/conf-rec') return { body: '' };
      else return undefined;
      return { body: vr.toString() };
    });
    const w = await dial(waiter as string, { Audio: `tone:${tones[waiter as string]}` });
    // The other waiter leaves after 4 s, before anyone starts the conference: it heard only the wait.
    const x = await dial(other as string, { Audio: `tone:${tones[other as string]}`, HangupAfter: '4' });
    const conf = await eventually(async () => (await s.client.conferences.list({ friendlyName: 'Coached' }))[0]);
    await eventually(async () => ((await s.client.conferences(conf.sid).participants.list()).length === 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await s.client.conferences(conf.sid).fetch()).status, 'init', 'two waiting, nobody to start it');
    await final(x);
    const m = await dial(moderator as string, { Audio: `tone:${tones[moderator as string]}`, HangupAfter: '9' });
    await eventually(async () => ((await s.client.conferences(conf.sid).fetch()).status === 'in-progress' ? true : undefined));
    const c = await dial(coach as string, { Audio: `tone:${tones[coach as string]}` });
    const coaching = await eventually(async () => (await s.client.conferences(conf.sid).participants.list({ coaching: true }))[0], 15_000);
    assert.equal(coaching.callSid, c);
    assert.equal(coaching.callSidToCoach, w);
    for (const sid of [w, c]) await waitFor('/dial-done', sid);

    const heardW = await heardBy(waiter as string, w);
    const heardX = await heardBy(other as string, x);
    const heardM = await heardBy(moderator as string, m);
    const heardC = await heardBy(coach as string, c);
    assert.ok(hears(heardX, 262.5) || hears(heardX, 393.75), `a waiting party hears the hold music: ${JSON.stringify(heardX)}`);
    assert.ok(!hears(heardX, 500), `and not the other waiting party: ${JSON.stringify(heardX)}`);
    assert.ok(hears(heardW, 2000), `the coached party hears the coach: ${JSON.stringify(heardW)}`);
    assert.ok(hears(heardW, 1400), `the coached party hears the moderator: ${JSON.stringify(heardW)}`);
    assert.ok(!hears(heardM, 2000), `the others do not hear the coach: ${JSON.stringify(heardM)}`);
    assert.ok(hears(heardM, 500), `the moderator hears the coached party: ${JSON.stringify(heardM)}`);
    for (const hz of [500, 1400]) assert.ok(hears(heardC, hz), `the coach hears ${hz} Hz: ${JSON.stringify(heardC)}`);

    const rec = await app.waitFor((r) => r.path === '/conf-rec', 30_000);
    assert.equal(rec.params.RecordingStatus, 'completed');
    const list = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Conferences/${conf.sid}/Recordings.json`);
    const recordings = ((await list.json()) as { recordings: Array<Record<string, unknown>> }).recordings;
    assert.equal(recordings.length, 1);
    assert.equal(recordings[0]?.conference_sid, conf.sid);
    assert.equal(recordings[0]?.source, 'Conference');
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.conference.conference_recording', recordings[0]), []);
  });
});
