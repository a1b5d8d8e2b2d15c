// Everything twilio-node's TwiML builders can write for the verbs Switchboard supports must parse, attribute
// for attribute, without warnings: apps generate their TwiML with these builders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import twilio from 'twilio';
import { parseTwiml } from './parse-twiml.js';
import type { MessagingVerb, VoiceVerb } from './types.js';

const { VoiceResponse, MessagingResponse } = twilio.twiml;

function voice(build: (r: InstanceType<typeof VoiceResponse>) => void): VoiceVerb[] {
  const r = new VoiceResponse();
  build(r);
  const result = parseTwiml(r.toString(), { dialect: 'voice' });
  assert.ok(result.ok, `${r.toString()}\n${JSON.stringify(result)}`);
  assert.deepEqual(result.warnings, [], r.toString());
  return result.verbs;
}

function messaging(build: (r: InstanceType<typeof MessagingResponse>) => void): MessagingVerb[] {
  const r = new MessagingResponse();
  build(r);
  const result = parseTwiml(r.toString(), { dialect: 'messaging' });
  assert.ok(result.ok, `${r.toString()}\n${JSON.stringify(result)}`);
  assert.deepEqual(result.warnings, [], r.toString());
  return result.verbs;
}

test('SDK: empty responses', () => {
  assert.deepEqual(
    voice(() => {}),
    [],
  );
  assert.deepEqual(
    messaging(() => {}),
    [],
  );
});

test('SDK: Say with every attribute and every SSML helper', () => {
  const [say] = voice((r) => {
    const s = r.say({ voice: 'Polly.Joanna-Neural', language: 'en-GB', loop: 2 }, 'Hi & <you>');
    s.break({ strength: 'x-weak', time: '100ms' });
    s.emphasis({ level: 'strong' }, 'really');
    s.lang({ 'xml:lang': 'fr-FR' }, 'bonjour');
    s.p('para');
    s.phoneme({ alphabet: 'ipa', ph: 'pɪˈkɑːn' }, 'pecan');
    s.prosody({ pitch: '+5%', rate: 'slow', volume: 'loud' }, 'slowly');
    s.s('sentence');
    s.sayAs({ 'interpret-as': 'date', format: 'ymd' }, '2024-01-02');
    s.sub({ alias: 'World Wide Web' }, 'WWW');
    s.w({ role: 'amazon:VBD' }, 'read');
  });
  assert.ok(say?.verb === 'Say');
  assert.deepEqual([say.voice, say.language, say.loop], ['Polly.Joanna-Neural', 'en-GB', 2]);
  assert.equal(say.text, 'Hi & <you>reallybonjourparapecanslowlysentence2024-01-02WWWread');
  assert.deepEqual(
    say.ssml?.filter((n) => n.kind === 'element').map((n) => n.kind === 'element' && n.tag),
    ['break', 'emphasis', 'lang', 'p', 'phoneme', 'prosody', 's', 'say-as', 'sub', 'w'],
  );
});

test('SDK: Play, Pause, Hangup, Leave, Redirect, Reject, Sms', () => {
  const verbs = voice((r) => {
    r.play({ loop: 0, digits: 'ww12#' }, 'https://example.com/a.mp3');
    r.pause({ length: 3 });
    r.sms({ to: '+15551230000', from: '+15559990000', action: '/a', method: 'GET', statusCallback: '/s' }, 'texted');
    r.reject({ reason: 'busy' }).parameter({ name: 'why', value: 'busy' });
    r.redirect({ method: 'GET' }, 'https://example.com/next?x=1&y=2');
    r.leave();
    r.hangup().parameter({ name: 'k', value: 'v' });
  });
  assert.deepEqual(verbs, [
    { verb: 'Play', url: 'https://example.com/a.mp3', loop: 1000, digits: 'ww12#' },
    { verb: 'Pause', length: 3 },
    { verb: 'Sms', to: '+15551230000', from: '+15559990000', action: '/a', method: 'GET', statusCallback: '/s', body: 'texted' },
    { verb: 'Reject', reason: 'busy', parameters: [{ name: 'why', value: 'busy' }] },
    { verb: 'Redirect', method: 'GET', url: 'https://example.com/next?x=1&y=2' },
    { verb: 'Leave' },
    { verb: 'Hangup', parameters: [{ name: 'k', value: 'v' }] },
  ]);
});

test('SDK: play() with no URL writes <Play/>: accepted with a warning', () => {
  const r = new VoiceResponse();
  r.play();
  const result = parseTwiml(r.toString(), { dialect: 'voice' });
  assert.ok(result.ok);
  assert.deepEqual(result.verbs, [{ verb: 'Play', url: null, loop: 1, digits: null }]);
  assert.equal(result.warnings.length, 1);
});

test('SDK: Gather with every attribute and nested prompts', () => {
  const [gather] = voice((r) => {
    const g = r.gather({
      action: '/gathered',
      actionOnEmptyResult: true,
      bargeIn: false,
      debug: true,
      enhanced: true,
      finishOnKey: '*',
      hints: 'yes, no',
      input: ['dtmf', 'speech'],
      language: 'es-MX',
      maxSpeechTime: 30,
      method: 'GET',
      numDigits: 4,
      partialResultCallback: '/partial',
      partialResultCallbackMethod: 'GET',
      profanityFilter: false,
      speechModel: 'phone_call',
      speechTimeout: 'auto',
      timeout: 7,
    });
    g.say({ voice: 'alice' }, 'Enter your PIN');
    g.play({ loop: 2 }, 'https://example.com/tone.wav');
    g.pause({ length: 1 });
  });
  assert.deepEqual(gather, {
    verb: 'Gather',
    input: ['dtmf', 'speech'],
    action: '/gathered',
    method: 'GET',
    numDigits: 4,
    finishOnKey: '*',
    timeout: 7,
    speechTimeout: 'auto',
    speechModel: 'phone_call',
    hints: ['yes', 'no'],
    language: 'es-MX',
    actionOnEmptyResult: true,
    partialResultCallback: '/partial',
    partialResultCallbackMethod: 'GET',
    profanityFilter: false,
    enhanced: true,
    bargeIn: false,
    debug: true,
    maxSpeechTime: 30,
    children: [
      { verb: 'Say', voice: 'alice', language: 'en-US', loop: 1, text: 'Enter your PIN', ssml: null },
      { verb: 'Play', url: 'https://example.com/tone.wav', loop: 2, digits: null },
      { verb: 'Pause', length: 1 },
    ],
  });
});

test('SDK: Record with every attribute', () => {
  const [record] = voice((r) =>
    r.record({
      action: '/recorded',
      finishOnKey: '#',
      maxLength: 20,
      method: 'GET',
      playBeep: false,
      recordingConfigurationId: 'RC1',
      recordingStatusCallback: '/rs',
      recordingStatusCallbackEvent: ['in-progress', 'completed', 'absent'],
      recordingStatusCallbackMethod: 'GET',
      timeout: 0,
      transcribe: true,
      transcribeCallback: '/tc',
      trim: 'do-not-trim',
    }),
  );
  assert.deepEqual(record, {
    verb: 'Record',
    action: '/recorded',
    method: 'GET',
    timeout: 0,
    finishOnKey: '#',
    maxLength: 20,
    playBeep: false,
    trim: 'do-not-trim',
    recordingStatusCallback: '/rs',
    recordingStatusCallbackMethod: 'GET',
    recordingStatusCallbackEvent: ['in-progress', 'completed', 'absent'],
    transcribe: true,
    transcribeCallback: '/tc',
    recordingConfigurationId: 'RC1',
  });
});

test('SDK: Dial with every attribute and every supported noun', () => {
  const leg = {
    method: 'GET',
    statusCallback: '/st',
    statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'] as const,
    statusCallbackMethod: 'GET',
    url: '/whisper',
  };
  const amd = {
    amdStatusCallback: '/amd',
    amdStatusCallbackMethod: 'GET',
    machineDetection: 'DetectMessageEnd',
    machineDetectionSilenceTimeout: 3000,
    machineDetectionSpeechEndThreshold: 1000,
    machineDetectionSpeechThreshold: 2000,
    machineDetectionTimeout: 20,
  };
  const [dial, dial2, dial3] = voice((r) => {
    const d = r.dial({
      action: '/dialled',
      answerOnBridge: true,
      callerId: '+15550001111',
      events: 'call-progress-event',
      hangupOnStar: true,
      method: 'GET',
      passports: 'p',
      record: 'record-from-ringing-dual',
      recordingConfigurationId: 'RC1',
      recordingStatusCallback: '/rs',
      recordingStatusCallbackEvent: ['in-progress'],
      recordingStatusCallbackMethod: 'GET',
      recordingTrack: 'inbound',
      referMethod: 'GET',
      referUrl: '/refer',
      ringTone: 'uk',
      sequential: true,
      timeLimit: 600,
      timeout: 20,
      trim: 'trim-silence',
    });
    d.number({ ...leg, ...amd, statusCallbackEvent: [...leg.statusCallbackEvent], byoc: 'BY1', sendDigits: 'w1' }, '+15551230000');
    const sip = d.sip({ ...leg, ...amd, statusCallbackEvent: [...leg.statusCallbackEvent], username: 'u', password: 'p' });
    sip.uri({ priority: '1', weight: '5', username: 'uu', password: 'pp' }, 'sip:a@example.com');
    sip.headers().header({ name: 'X-Tenant', value: 't1' });
    d.sip('sip:b@example.com');
    const client = d.client({ ...leg, statusCallbackEvent: [...leg.statusCallbackEvent] });
    client.identity('alice');
    client.parameter({ name: 'plan', value: 'gold' });
    d.client('bob');
    r.dial().conference(
      {
        beep: 'onEnter',
        coach: 'CA1',
        endConferenceOnExit: true,
        eventCallbackUrl: '/ev',
        jitterBufferSize: 'small',
        maxParticipants: 10,
        muted: true,
        participantLabel: 'agent',
        record: 'record-from-start',
        recordingConfigurationId: 'RC2',
        recordingStatusCallback: '/crs',
        recordingStatusCallbackEvent: ['in-progress', 'completed'],
        recordingStatusCallbackMethod: 'GET',
        region: 'ie1',
        startConferenceOnEnter: false,
        statusCallback: '/cs',
        statusCallbackEvent: ['start', 'end', 'join', 'leave'],
        statusCallbackMethod: 'GET',
        trim: 'do-not-trim',
        waitMethod: 'GET',
        waitUrl: '/wait',
      },
      'Standup',
    );
    r.dial({ callerId: '+15550001111' }).queue({ method: 'GET', postWorkActivitySid: 'WA1', reservationSid: 'WR1', url: '/q' }, 'support');
  });
  assert.ok(dial?.verb === 'Dial' && dial2?.verb === 'Dial' && dial3?.verb === 'Dial');
  assert.deepEqual(
    [
      dial.action,
      dial.answerOnBridge,
      dial.callerId,
      dial.events,
      dial.hangupOnStar,
      dial.method,
      dial.record,
      dial.recordingTrack,
      dial.ringTone,
      dial.sequential,
      dial.timeLimit,
      dial.timeout,
      dial.trim,
      dial.passports,
      dial.recordingStatusCallbackEvent,
    ],
    [
      '/dialled',
      true,
      '+15550001111',
      'call-progress-event',
      true,
      'GET',
      'record-from-ringing-dual',
      'inbound',
      'uk',
      true,
      600,
      20,
      'trim-silence',
      'p',
      ['in-progress'],
    ],
  );
  const [num, sip, sip2, client, client2] = dial.targets;
  assert.ok(num?.noun === 'Number' && sip?.noun === 'Sip' && sip2?.noun === 'Sip' && client?.noun === 'Client' && client2?.noun === 'Client');
  const legParsed = {
    method: 'GET',
    statusCallback: '/st',
    statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    statusCallbackMethod: 'GET',
    url: '/whisper',
  };
  const amdParsed = { ...amd, amdStatusCallbackMethod: 'GET' };
  assert.deepEqual(num, { noun: 'Number', number: '+15551230000', ...legParsed, ...amdParsed, sendDigits: 'w1', byoc: 'BY1' });
  assert.deepEqual(sip, {
    noun: 'Sip',
    ...legParsed,
    ...amdParsed,
    username: 'u',
    password: 'p',
    uris: [{ uri: 'sip:a@example.com', username: 'uu', password: 'pp', priority: 1, weight: 5 }],
    headers: [{ name: 'X-Tenant', value: 't1' }],
  });
  assert.deepEqual(
    sip2.uris.map((u) => u.uri),
    ['sip:b@example.com'],
  );
  assert.deepEqual(client, { noun: 'Client', identity: 'alice', ...legParsed, parameters: [{ name: 'plan', value: 'gold' }] });
  assert.equal(client2.identity, 'bob');
  const conference = dial2.targets[0];
  assert.ok(conference?.noun === 'Conference');
  assert.deepEqual(conference, {
    noun: 'Conference',
    name: 'Standup',
    muted: true,
    beep: 'onEnter',
    startConferenceOnEnter: false,
    endConferenceOnExit: true,
    waitUrl: '/wait',
    waitMethod: 'GET',
    maxParticipants: 10,
    record: 'record-from-start',
    region: 'ie1',
    coach: 'CA1',
    trim: 'do-not-trim',
    statusCallback: '/cs',
    statusCallbackMethod: 'GET',
    statusCallbackEvent: ['start', 'end', 'join', 'leave'],
    recordingStatusCallback: '/crs',
    recordingStatusCallbackMethod: 'GET',
    recordingStatusCallbackEvent: ['in-progress', 'completed'],
    eventCallbackUrl: '/ev',
    jitterBufferSize: 'small',
    participantLabel: 'agent',
    recordingConfigurationId: 'RC2',
  });
  assert.deepEqual(dial3.targets[0], { noun: 'Queue', name: 'support', url: '/q', method: 'GET', reservationSid: 'WR1', postWorkActivitySid: 'WA1' });
});

test('SDK: Enqueue with a Task, and with a name', () => {
  const [withTask, named] = voice((r) => {
    r.enqueue({ action: '/a', maxQueueSize: 50, method: 'GET', waitUrl: '/w', waitUrlMethod: 'GET', workflowSid: 'WW1' }).task(
      { priority: 5, timeout: 30 },
      '{"lang":"es"}',
    );
    r.enqueue('support');
  });
  assert.deepEqual(withTask, {
    verb: 'Enqueue',
    name: null,
    action: '/a',
    method: 'GET',
    waitUrl: '/w',
    waitUrlMethod: 'GET',
    workflowSid: 'WW1',
    maxQueueSize: 50,
    task: { body: '{"lang":"es"}', priority: 5, timeout: 30 },
  });
  assert.ok(named?.verb === 'Enqueue' && named.name === 'support' && named.task === null);
});

test('SDK: Connect (Stream, Room), Start and Stop', () => {
  const stream = {
    audioFormat: 'audio/x-mulaw',
    connectorName: 'c',
    name: 'media',
    sampleRate: '8000',
    statusCallback: '/ss',
    statusCallbackMethod: 'GET',
    track: 'both_tracks',
    url: 'wss://example.com/media',
  } as const;
  const verbs = voice((r) => {
    r.start({ action: '/started', method: 'GET' }).stream(stream).parameter({ name: 'a', value: '1' });
    r.stop().stream({ name: 'media' });
    r.connect({ action: '/after', method: 'GET' }).stream({ url: 'wss://example.com/bidi' });
    r.connect().room({ participantIdentity: 'alice' }, 'DailyStandup');
  });
  assert.deepEqual(
    verbs.map((v) => v.verb),
    ['Start', 'Stop', 'Connect', 'Connect'],
  );
  const [start, stop, connect, room] = verbs;
  assert.ok(start?.verb === 'Start' && stop?.verb === 'Stop' && connect?.verb === 'Connect' && room?.verb === 'Connect');
  assert.deepEqual(start.streams[0], { noun: 'Stream', ...stream, parameters: [{ name: 'a', value: '1' }] });
  assert.deepEqual([start.action, start.method], ['/started', 'GET']);
  assert.equal(stop.streams[0]?.name, 'media');
  assert.deepEqual([connect.action, connect.method, connect.target.noun === 'Stream' && connect.target.url], ['/after', 'GET', 'wss://example.com/bidi']);
  assert.deepEqual(room.target, { noun: 'Room', name: 'DailyStandup', participantIdentity: 'alice' });
});

test('SDK: MessagingResponse Message (text, Body, Media) and Redirect', () => {
  const verbs = messaging((r) => {
    r.message({ to: '+15551230000', from: '+15559990000', action: '/a', method: 'GET', statusCallback: '/s' }, 'Plain & simple');
    const m = r.message('');
    m.body('With a picture');
    m.media('https://example.com/1.png');
    m.media('https://example.com/2.png');
    r.message('Caption').media('https://example.com/3.png');
    r.redirect({ method: 'GET' }, 'https://example.com/next');
  });
  assert.deepEqual(verbs, [
    { verb: 'Message', to: '+15551230000', from: '+15559990000', action: '/a', method: 'GET', statusCallback: '/s', body: 'Plain & simple', media: [] },
    {
      verb: 'Message',
      to: null,
      from: null,
      action: null,
      method: 'POST',
      statusCallback: null,
      body: 'With a picture',
      media: ['https://example.com/1.png', 'https://example.com/2.png'],
    },
    { verb: 'Message', to: null, from: null, action: null, method: 'POST', statusCallback: null, body: 'Caption', media: ['https://example.com/3.png'] },
    { verb: 'Redirect', method: 'GET', url: 'https://example.com/next' },
  ]);
});

test('SDK: verbs outside Switchboard are a clear 12200, not a crash', () => {
  const builders: Array<(r: InstanceType<typeof VoiceResponse>) => void> = [
    (r) => r.pay({ chargeAmount: '10.00' }),
    (r) => r.refer().sip('sip:x@example.com'),
    (r) => r.echo(),
    (r) => r.connect().conversationRelay({ url: 'wss://example.com' }),
    (r) => r.dial().application('AP1'),
    (r) => r.start().transcription({ name: 't' }),
  ];
  for (const build of builders) {
    const r = new VoiceResponse();
    build(r);
    const result = parseTwiml(r.toString(), { dialect: 'voice' });
    assert.equal(result.ok ? 0 : result.alert.code, 12200, r.toString());
  }
});
