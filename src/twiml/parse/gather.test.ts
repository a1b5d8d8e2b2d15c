import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertOf, verbsOf, walkAttributes } from '../test-support/walk.js';
import type { GatherVerb } from './gather.js';

walkAttributes('<Gather>', {
  dialect: 'voice',
  document: (a) => `<Response><Gather${a}/></Response>`,
  pick: (verbs) => verbs[0],
  rows: [
    {
      name: 'input',
      default: ['dtmf'],
      valid: [
        ['speech', ['speech']],
        ['dtmf speech', ['dtmf', 'speech']],
        ['speech,dtmf', ['speech', 'dtmf']],
        ['DTMF', ['dtmf']],
      ],
      invalid: ['voice', '', 'dtmf keypad'],
    },
    {
      name: 'action',
      default: null,
      valid: [
        ['/gathered', '/gathered'],
        ['https://example.com/g?x=1&y=2', 'https://example.com/g?x=1&y=2'],
      ],
      invalid: ['has space'],
    },
    {
      name: 'method',
      default: 'POST',
      valid: [
        ['GET', 'GET'],
        ['get', 'GET'],
        ['POST', 'POST'],
      ],
      invalid: ['PUT', 'FETCH'],
    },
    {
      name: 'numDigits',
      default: null,
      valid: [
        ['1', 1],
        ['10', 10],
      ],
      invalid: ['0', 'four', '-3'],
    },
    {
      name: 'finishOnKey',
      default: '#',
      valid: [
        ['*', '*'],
        ['0', '0'],
        ['', ''],
      ],
      invalid: ['##', 'a'],
    },
    {
      name: 'timeout',
      default: 5,
      valid: [
        ['0', 0],
        ['30', 30],
      ],
      invalid: ['5s', '-1'],
    },
    {
      name: 'speechTimeout',
      default: 5,
      valid: [
        ['auto', 'auto'],
        ['3', 3],
      ],
      invalid: ['soon', '-1'],
    },
    {
      name: 'speechModel',
      default: null,
      valid: [
        ['phone_call', 'phone_call'],
        ['experimental_conversations', 'experimental_conversations'],
      ],
    },
    {
      name: 'hints',
      default: [],
      valid: [
        ['yes, no ,maybe', ['yes', 'no', 'maybe']],
        ['$OOV_CLASS_DIGIT_SEQUENCE', ['$OOV_CLASS_DIGIT_SEQUENCE']],
      ],
    },
    {
      name: 'language',
      default: 'en-US',
      valid: [
        ['es-MX', 'es-MX'],
        ['yue-Hant-HK', 'yue-Hant-HK'],
      ],
      invalid: ['Spanish'],
    },
    {
      name: 'actionOnEmptyResult',
      default: false,
      valid: [
        ['true', true],
        ['TRUE', true],
        ['false', false],
      ],
      invalid: ['yes', '1'],
    },
    { name: 'partialResultCallback', default: null, valid: [['https://example.com/partial', 'https://example.com/partial']] },
    { name: 'partialResultCallbackMethod', default: 'POST', valid: [['GET', 'GET']], invalid: ['DELETE'] },
    { name: 'profanityFilter', default: true, valid: [['false', false]], invalid: ['no'] },
    { name: 'enhanced', default: false, valid: [['true', true]], invalid: ['on'] },
    { name: 'bargeIn', default: true, valid: [['false', false]], invalid: ['0'] },
    { name: 'debug', default: false, valid: [['true', true]], invalid: ['y'] },
    { name: 'maxSpeechTime', default: 60, valid: [['30', 30]], invalid: ['0', 'long'] },
  ],
});

test('<Gather> speechTimeout defaults to the timeout given', () => {
  const [g] = verbsOf('<Response><Gather timeout="9"/></Response>') as GatherVerb[];
  assert.equal(g?.speechTimeout, 9);
});

test('<Gather> nests Say, Play and Pause in order', () => {
  const [g] = verbsOf(
    '<Response><Gather numDigits="1">\n  <Say>Press 1</Say>\n  <Pause length="2"/>\n  <Play>https://example.com/beep.wav</Play>\n</Gather></Response>',
  ) as GatherVerb[];
  assert.deepEqual(
    g?.children.map((c) => c.verb),
    ['Say', 'Pause', 'Play'],
  );
});

test('<Gather> refuses other verbs, unknown nouns and loose text', () => {
  for (const inner of ['<Dial>+15551230000</Dial>', '<Gather/>', '<Record/>', '<Redirect>/x</Redirect>', '<Hangup/>']) {
    assert.equal(alertOf(`<Response><Gather>${inner}</Gather></Response>`).code, 12100, inner);
  }
  assert.equal(alertOf('<Response><Gather><Prompt/></Gather></Response>').code, 12200);
  assert.equal(alertOf('<Response><Gather>press one</Gather></Response>').code, 12100);
});
