import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTwiml } from '../parse-twiml.js';
import { alertOf, verbsOf, walkAttributes } from '../test-support/walk.js';

walkAttributes('<Reject>', {
  dialect: 'voice',
  document: (a) => `<Response><Reject${a}/></Response>`,
  pick: (verbs) => verbs[0],
  rows: [
    {
      name: 'reason',
      default: 'rejected',
      valid: [
        ['busy', 'busy'],
        ['rejected', 'rejected'],
      ],
      invalid: ['nope'],
    },
  ],
});

walkAttributes('<Redirect> (voice)', {
  dialect: 'voice',
  document: (a) => `<Response><Redirect${a}>/next</Redirect></Response>`,
  pick: (verbs) => verbs[0],
  rows: [{ name: 'method', default: 'POST', valid: [['GET', 'GET']], invalid: ['JUMP'] }],
});

walkAttributes('<Sms>', {
  dialect: 'voice',
  document: (a) => `<Response><Sms${a}>On my way</Sms></Response>`,
  pick: (verbs) => verbs[0],
  rows: [
    { name: 'to', default: null, valid: [['+15551230000', '+15551230000']] },
    { name: 'from', default: null, valid: [['+15559990000', '+15559990000']] },
    { name: 'action', default: null, valid: [['/sms-done', '/sms-done']] },
    { name: 'method', default: 'POST', valid: [['GET', 'GET']], invalid: ['X'] },
    { name: 'statusCallback', default: null, valid: [['/sms-status', '/sms-status']] },
  ],
});

test('<Hangup> and <Reject> carry <Parameter>s', () => {
  assert.deepEqual(verbsOf('<Response><Hangup><Parameter name="a" value="1"/></Hangup></Response>'), [
    { verb: 'Hangup', parameters: [{ name: 'a', value: '1' }] },
  ]);
  assert.deepEqual(verbsOf('<Response><Reject reason="busy"/></Response>'), [{ verb: 'Reject', reason: 'busy', parameters: [] }]);
  assert.equal(alertOf('<Response><Hangup><Say>bye</Say></Hangup></Response>').code, 12100);
  assert.equal(alertOf('<Response><Hangup>bye</Hangup></Response>').code, 12100);
});

test('unknown attributes are ignored with a warning, as Twilio does', () => {
  const r = parseTwiml('<Response><Hangup foo="1"/><Say colour="red" voice="alice">hi</Say></Response>', { dialect: 'voice' });
  assert.ok(r.ok);
  assert.deepEqual(
    r.warnings.map((w) => w.code),
    [12200, 12200],
  );
  assert.match(r.warnings[1]?.message ?? '', /colour/);
});

test('<Redirect> needs a URL; its text is unescaped', () => {
  assert.equal(alertOf('<Response><Redirect/></Response>').code, 12200);
  assert.deepEqual(verbsOf('<Response><Redirect method="GET"> /next?a=1&amp;b=2 </Redirect></Response>'), [
    { verb: 'Redirect', method: 'GET', url: '/next?a=1&b=2' },
  ]);
});
