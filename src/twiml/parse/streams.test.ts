import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertOf, verbsOf, walkAttributes } from '../test-support/walk.js';
import type { Verb } from '../types.js';
import type { ConnectVerb } from './connect.js';
import type { StartVerb } from './start.js';
import type { StopVerb } from './stop.js';

walkAttributes('<Connect>', {
  dialect: 'voice',
  document: (a) => `<Response><Connect${a}><Room>r</Room></Connect></Response>`,
  pick: (verbs) => verbs[0],
  rows: [
    { name: 'action', default: null, valid: [['/after', '/after']] },
    { name: 'method', default: 'POST', valid: [['GET', 'GET']], invalid: ['X'] },
  ],
});

walkAttributes('<Start>', {
  dialect: 'voice',
  document: (a) => `<Response><Start${a}><Stream url="wss://example.com/s"/></Start></Response>`,
  pick: (verbs) => verbs[0],
  rows: [
    { name: 'action', default: null, valid: [['/started', '/started']] },
    { name: 'method', default: 'POST', valid: [['GET', 'GET']], invalid: ['X'] },
  ],
});

walkAttributes('<Stream>', {
  dialect: 'voice',
  document: (a) => `<Response><Start><Stream url="wss://example.com/s"${a}/></Start></Response>`,
  pick: (verbs: Verb[]) => (verbs[0] as StartVerb).streams[0],
  rows: [
    { name: 'name', default: null, valid: [['my stream', 'my stream']] },
    {
      name: 'track',
      default: 'inbound_track',
      valid: [
        ['both_tracks', 'both_tracks'],
        ['outbound_track', 'outbound_track'],
      ],
      invalid: ['inbound'],
    },
    { name: 'statusCallback', default: null, valid: [['/stream-status', '/stream-status']] },
    { name: 'statusCallbackMethod', default: 'POST', valid: [['GET', 'GET']], invalid: ['X'] },
    { name: 'connectorName', default: null, valid: [['c1', 'c1']] },
    { name: 'audioFormat', default: null, valid: [['audio/x-mulaw', 'audio/x-mulaw']] },
    { name: 'sampleRate', default: null, valid: [['8000', '8000']] },
  ],
});

walkAttributes('<Room>', {
  dialect: 'voice',
  document: (a) => `<Response><Connect><Room${a}>DailyStandup</Room></Connect></Response>`,
  pick: (verbs: Verb[]) => (verbs[0] as ConnectVerb).target,
  rows: [{ name: 'participantIdentity', default: null, valid: [['alice', 'alice']] }],
});

test('<Connect><Stream> with parameters', () => {
  const [c] = verbsOf(
    '<Response><Connect><Stream url="wss://example.com/a?x=1&amp;y=2"><Parameter name="FirstName" value="Jane"/></Stream></Connect></Response>',
  ) as ConnectVerb[];
  assert.deepEqual(c?.target, {
    noun: 'Stream',
    url: 'wss://example.com/a?x=1&y=2',
    name: null,
    track: 'inbound_track',
    statusCallback: null,
    statusCallbackMethod: 'POST',
    connectorName: null,
    audioFormat: null,
    sampleRate: null,
    parameters: [{ name: 'FirstName', value: 'Jane' }],
  });
});

test('<Stop> names the streams to stop', () => {
  const [s] = verbsOf('<Response><Stop><Stream name="s1"/><Stream name="s2"/></Stop></Response>') as StopVerb[];
  assert.deepEqual(
    s?.streams.map((x) => x.name),
    ['s1', 's2'],
  );
});

test('<Connect>, <Start>, <Stop> content errors', () => {
  const cases: Array<[string, number]> = [
    ['<Connect/>', 12200],
    ['<Connect><Room>a</Room><Room>b</Room></Connect>', 12100],
    ['<Connect><Stream/></Connect>', 12200],
    ['<Connect><ConversationRelay url="wss://x"/></Connect>', 12200],
    ['<Connect><Say>hi</Say></Connect>', 12100],
    ['<Connect><Room/></Connect>', 12200],
    ['<Start/>', 12200],
    ['<Start><Stream/></Start>', 12200],
    ['<Start><Siprec/></Start>', 12200],
    ['<Stop><Stream/></Stop>', 12200],
    ['<Stream url="wss://x"/>', 12100],
    ['<Start><Stream url="wss://x"><Say>x</Say></Stream></Start>', 12100],
    ['<Start><Stream url="wss://x"><Parameter value="no name"/></Stream></Start>', 12200],
  ];
  for (const [inner, code] of cases) assert.equal(alertOf(`<Response>${inner}</Response>`).code, code, inner);
});
