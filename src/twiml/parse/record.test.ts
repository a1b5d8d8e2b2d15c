import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertOf, walkAttributes } from '../test-support/walk.js';

walkAttributes('<Record>', {
  dialect: 'voice',
  document: (a) => `<Response><Record${a}/></Response>`,
  pick: (verbs) => verbs[0],
  rows: [
    { name: 'action', default: null, valid: [['/recorded', '/recorded']] },
    { name: 'method', default: 'POST', valid: [['GET', 'GET']], invalid: ['HEAD'] },
    {
      name: 'timeout',
      default: 5,
      valid: [
        ['0', 0],
        ['15', 15],
      ],
      invalid: ['forever'],
    },
    {
      name: 'finishOnKey',
      default: '1234567890*#',
      valid: [
        ['#', '#'],
        ['*#', '*#'],
        ['', ''],
      ],
      invalid: ['x', 'a#'],
    },
    { name: 'maxLength', default: 3600, valid: [['20', 20]], invalid: ['0', 'big'] },
    { name: 'playBeep', default: true, valid: [['false', false]], invalid: ['quiet'] },
    { name: 'trim', default: 'trim-silence', valid: [['do-not-trim', 'do-not-trim']], invalid: ['trim'] },
    { name: 'recordingStatusCallback', default: null, valid: [['https://example.com/rs', 'https://example.com/rs']] },
    { name: 'recordingStatusCallbackMethod', default: 'POST', valid: [['GET', 'GET']], invalid: ['PATCH'] },
    {
      name: 'recordingStatusCallbackEvent',
      default: ['completed'],
      valid: [
        ['in-progress completed absent', ['in-progress', 'completed', 'absent']],
        ['absent', ['absent']],
      ],
      invalid: ['started'],
    },
    { name: 'transcribe', default: false, valid: [['true', true]], invalid: ['maybe'] },
    { name: 'transcribeCallback', default: null, valid: [['/transcribed', '/transcribed']] },
  ],
});

test('<Record> takes no content', () => {
  assert.equal(alertOf('<Response><Record><Say>x</Say></Record></Response>').code, 12100);
});
