import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertOf, verbsOf, walkAttributes } from '../test-support/walk.js';
import type { Verb } from '../types.js';
import type { DialVerb } from './dial.js';

const dial = (verbs: Verb[]) => verbs[0];
const target = (verbs: Verb[]) => (verbs[0] as DialVerb).targets[0];

walkAttributes('<Dial>', {
  dialect: 'voice',
  document: (a) => `<Response><Dial${a}>+15551230000</Dial></Response>`,
  pick: dial,
  rows: [
    { name: 'action', default: null, valid: [['/dial-done', '/dial-done']] },
    { name: 'method', default: 'POST', valid: [['GET', 'GET']], invalid: ['PUT'] },
    {
      name: 'callerId',
      default: null,
      valid: [
        ['+15550001111', '+15550001111'],
        ['client:alice', 'client:alice'],
      ],
    },
    {
      name: 'timeout',
      default: 30,
      valid: [
        ['5', 5],
        ['600', 600],
      ],
      invalid: ['0', '601', 'long'],
    },
    { name: 'timeLimit', default: 14400, valid: [['60', 60]], invalid: ['0', 'x'] },
    {
      name: 'record',
      default: 'do-not-record',
      valid: [
        ['record-from-answer', 'record-from-answer'],
        ['record-from-ringing-dual', 'record-from-ringing-dual'],
        ['true', 'record-from-answer'],
        ['false', 'do-not-record'],
      ],
      invalid: ['always'],
    },
    { name: 'hangupOnStar', default: false, valid: [['true', true]], invalid: ['star'] },
    { name: 'answerOnBridge', default: false, valid: [['true', true]], invalid: ['1'] },
    {
      name: 'ringTone',
      default: null,
      valid: [
        ['uk', 'uk'],
        ['us-old', 'us-old'],
        ['DE', 'de'],
      ],
      invalid: ['mars'],
    },
    { name: 'recordingStatusCallback', default: null, valid: [['/rec', '/rec']] },
    { name: 'recordingStatusCallbackMethod', default: 'POST', valid: [['GET', 'GET']], invalid: ['X'] },
    { name: 'recordingStatusCallbackEvent', default: ['completed'], valid: [['in-progress', ['in-progress']]], invalid: ['done'] },
    {
      name: 'recordingTrack',
      default: 'both',
      valid: [
        ['inbound', 'inbound'],
        ['outbound', 'outbound'],
      ],
      invalid: ['left'],
    },
    { name: 'trim', default: 'do-not-trim', valid: [['trim-silence', 'trim-silence']], invalid: ['yes'] },
    { name: 'sequential', default: false, valid: [['true', true]], invalid: ['serial'] },
    { name: 'referUrl', default: null, valid: [['/refer', '/refer']] },
    { name: 'referMethod', default: 'POST', valid: [['GET', 'GET']], invalid: ['POSTS'] },
    { name: 'events', default: null, valid: [['call-progress-event', 'call-progress-event']], invalid: ['all'] },
  ],
});

const legRows = [
  { name: 'url', default: null, valid: [['/whisper', '/whisper']] as Array<[string, unknown]> },
  { name: 'method', default: 'POST', valid: [['GET', 'GET']] as Array<[string, unknown]>, invalid: ['PUT'] },
  { name: 'statusCallback', default: null, valid: [['https://example.com/s', 'https://example.com/s']] as Array<[string, unknown]> },
  { name: 'statusCallbackMethod', default: 'POST', valid: [['GET', 'GET']] as Array<[string, unknown]>, invalid: ['OPTIONS'] },
  {
    name: 'statusCallbackEvent',
    default: ['completed'],
    valid: [['initiated ringing answered completed', ['initiated', 'ringing', 'answered', 'completed']]] as Array<[string, unknown]>,
    invalid: ['queued'],
  },
];
const amdRows = [
  {
    name: 'machineDetection',
    default: null,
    valid: [
      ['Enable', 'Enable'],
      ['DetectMessageEnd', 'DetectMessageEnd'],
    ] as Array<[string, unknown]>,
    invalid: ['on'],
  },
  { name: 'machineDetectionTimeout', default: 30, valid: [['10', 10]] as Array<[string, unknown]>, invalid: ['2', '60'] },
  { name: 'machineDetectionSpeechThreshold', default: 2400, valid: [['1000', 1000]] as Array<[string, unknown]>, invalid: ['999'] },
  { name: 'machineDetectionSpeechEndThreshold', default: 1200, valid: [['5000', 5000]] as Array<[string, unknown]>, invalid: ['5001'] },
  { name: 'machineDetectionSilenceTimeout', default: 5000, valid: [['2000', 2000]] as Array<[string, unknown]>, invalid: ['10001'] },
  { name: 'amdStatusCallback', default: null, valid: [['/amd', '/amd']] as Array<[string, unknown]> },
  { name: 'amdStatusCallbackMethod', default: 'POST', valid: [['GET', 'GET']] as Array<[string, unknown]>, invalid: ['GOT'] },
];

walkAttributes('<Number>', {
  dialect: 'voice',
  document: (a) => `<Response><Dial><Number${a}>+15551230000</Number></Dial></Response>`,
  pick: target,
  rows: [
    ...legRows,
    ...amdRows,
    { name: 'sendDigits', default: null, valid: [['wwww1928', 'wwww1928']], invalid: ['12-34'] },
    { name: 'byoc', default: null, valid: [['BYaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'BYaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']] },
  ],
});

walkAttributes('<Sip>', {
  dialect: 'voice',
  document: (a) => `<Response><Dial><Sip${a}>sip:alice@example.com</Sip></Dial></Response>`,
  pick: target,
  rows: [
    ...legRows,
    ...amdRows,
    { name: 'username', default: null, valid: [['alice', 'alice']] },
    { name: 'password', default: null, valid: [['s3cret', 's3cret']] },
  ],
});

walkAttributes('<Client>', {
  dialect: 'voice',
  document: (a) => `<Response><Dial><Client${a}>alice</Client></Dial></Response>`,
  pick: target,
  rows: legRows,
});

walkAttributes('<Conference>', {
  dialect: 'voice',
  document: (a) => `<Response><Dial><Conference${a}>Room 1</Conference></Dial></Response>`,
  pick: target,
  rows: [
    { name: 'muted', default: false, valid: [['true', true]], invalid: ['mute'] },
    {
      name: 'beep',
      default: 'true',
      valid: [
        ['false', 'false'],
        ['onEnter', 'onEnter'],
        ['onexit', 'onExit'],
      ],
      invalid: ['loud'],
    },
    { name: 'startConferenceOnEnter', default: true, valid: [['false', false]], invalid: ['x'] },
    { name: 'endConferenceOnExit', default: false, valid: [['true', true]], invalid: ['x'] },
    { name: 'waitUrl', default: null, valid: [['https://example.com/hold.xml', 'https://example.com/hold.xml']] },
    { name: 'waitMethod', default: 'POST', valid: [['GET', 'GET']], invalid: ['X'] },
    {
      name: 'maxParticipants',
      default: 250,
      valid: [
        ['2', 2],
        ['10', 10],
      ],
      invalid: ['1', '251'],
    },
    { name: 'record', default: 'do-not-record', valid: [['record-from-start', 'record-from-start']], invalid: ['record-from-answer'] },
    { name: 'region', default: null, valid: [['ie1', 'ie1']], invalid: ['eu'] },
    { name: 'coach', default: null, valid: [['CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']] },
    { name: 'trim', default: 'trim-silence', valid: [['do-not-trim', 'do-not-trim']], invalid: ['no'] },
    { name: 'statusCallback', default: null, valid: [['/conf', '/conf']] },
    { name: 'statusCallbackMethod', default: 'POST', valid: [['GET', 'GET']], invalid: ['X'] },
    {
      name: 'statusCallbackEvent',
      default: [],
      valid: [
        ['start end join leave mute hold modify speaker announcement', ['start', 'end', 'join', 'leave', 'mute', 'hold', 'modify', 'speaker', 'announcement']],
      ],
      invalid: ['talk'],
    },
    { name: 'recordingStatusCallback', default: null, valid: [['/rec', '/rec']] },
    { name: 'recordingStatusCallbackMethod', default: 'POST', valid: [['GET', 'GET']], invalid: ['X'] },
    { name: 'recordingStatusCallbackEvent', default: ['completed'], valid: [['in-progress completed', ['in-progress', 'completed']]], invalid: ['x'] },
    { name: 'eventCallbackUrl', default: null, valid: [['/events', '/events']] },
    {
      name: 'jitterBufferSize',
      default: 'large',
      valid: [
        ['off', 'off'],
        ['small', 'small'],
      ],
      invalid: ['huge'],
    },
    { name: 'participantLabel', default: null, valid: [['customer', 'customer']] },
  ],
});

walkAttributes('<Queue>', {
  dialect: 'voice',
  document: (a) => `<Response><Dial><Queue${a}>support</Queue></Dial></Response>`,
  pick: target,
  rows: [
    { name: 'url', default: null, valid: [['/about-to-connect', '/about-to-connect']] },
    { name: 'method', default: 'POST', valid: [['GET', 'GET']], invalid: ['X'] },
    { name: 'reservationSid', default: null, valid: [['WRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'WRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']] },
    { name: 'postWorkActivitySid', default: null, valid: [['WAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'WAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']] },
  ],
});

test('<Dial> plain text is one <Number> with default attributes', () => {
  const [d] = verbsOf('<Response><Dial> +1 555 123 0000 </Dial></Response>') as DialVerb[];
  assert.equal(d?.targets.length, 1);
  assert.deepEqual(
    { noun: d?.targets[0]?.noun, number: d?.targets[0]?.noun === 'Number' && d.targets[0].number },
    { noun: 'Number', number: '+1 555 123 0000' },
  );
});

test('<Dial> rings several nouns of different kinds', () => {
  const [d] = verbsOf(
    '<Response><Dial sequential="true">\n <Number>+15551230000</Number>\n <Client><Identity>bob</Identity><Parameter name="k" value=" v "/></Client>\n' +
      ' <Sip><Uri priority="1" username="u" password="p">sip:a@x</Uri><Uri priority="2">sips:b@y</Uri><Headers><Header name="X-Id" value="7"/></Headers></Sip>\n</Dial></Response>',
  ) as DialVerb[];
  const [num, client, sip] = d?.targets ?? [];
  assert.equal(num?.noun, 'Number');
  assert.deepEqual(client?.noun === 'Client' && [client.identity, client.parameters], ['bob', [{ name: 'k', value: ' v ' }]]);
  assert.ok(sip?.noun === 'Sip');
  assert.deepEqual(sip.uris, [
    { uri: 'sip:a@x', username: 'u', password: 'p', priority: 1, weight: null },
    { uri: 'sips:b@y', username: null, password: null, priority: 2, weight: null },
  ]);
  assert.deepEqual(sip.headers, [{ name: 'X-Id', value: '7' }]);
});

test('<Sip> text carries the noun credentials; a non-SIP URI is refused', () => {
  const [d] = verbsOf('<Response><Dial><Sip username="a" password="b">sip:x@example.com;transport=tcp</Sip></Dial></Response>') as DialVerb[];
  const sip = d?.targets[0];
  assert.ok(sip?.noun === 'Sip');
  assert.deepEqual(sip.uris, [{ uri: 'sip:x@example.com;transport=tcp', username: 'a', password: 'b', priority: null, weight: null }]);
  assert.equal(alertOf('<Response><Dial><Sip>tel:+1555</Sip></Dial></Response>').code, 12200);
});

test('<Dial> nesting and content errors', () => {
  assert.equal(alertOf('<Response><Dial/></Response>').code, 12200);
  assert.equal(alertOf('<Response><Dial>+1555<Number>+1666</Number></Dial></Response>').code, 12100);
  assert.equal(alertOf('<Response><Dial><Say>hi</Say></Dial></Response>').code, 12100);
  assert.equal(alertOf('<Response><Dial><Application>AP1</Application></Dial></Response>').code, 12200);
  assert.equal(alertOf('<Response><Dial><Number/></Dial></Response>').code, 12200);
  assert.equal(alertOf('<Response><Dial><Client/></Dial></Response>').code, 12200);
  assert.equal(alertOf('<Response><Dial><Conference/></Dial></Response>').code, 12200);
  assert.equal(alertOf('<Response><Dial><Number>+1<Say/></Number></Dial></Response>').code, 12100);
});
