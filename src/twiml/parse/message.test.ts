import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertOf, verbsOf, walkAttributes } from '../test-support/walk.js';
import type { MessageVerb } from './message.js';

walkAttributes('<Message>', {
  dialect: 'messaging',
  document: (a) => `<Response><Message${a}>Hello</Message></Response>`,
  pick: (verbs) => verbs[0],
  rows: [
    {
      name: 'to',
      default: null,
      valid: [
        ['+15551230000', '+15551230000'],
        ['whatsapp:+15551230000', 'whatsapp:+15551230000'],
      ],
    },
    { name: 'from', default: null, valid: [['+15559990000', '+15559990000']] },
    { name: 'action', default: null, valid: [['/sent', '/sent']] },
    {
      name: 'method',
      default: 'POST',
      valid: [
        ['GET', 'GET'],
        ['post', 'POST'],
      ],
      invalid: ['PUT'],
    },
    { name: 'statusCallback', default: null, valid: [['https://example.com/status', 'https://example.com/status']] },
  ],
});

walkAttributes('<Redirect> (messaging)', {
  dialect: 'messaging',
  document: (a) => `<Response><Redirect${a}>https://example.com/next</Redirect></Response>`,
  pick: (verbs) => verbs[0],
  rows: [{ name: 'method', default: 'POST', valid: [['GET', 'GET']], invalid: ['X'] }],
});

const message = (xml: string) => verbsOf(xml, 'messaging')[0] as MessageVerb;

test('<Message> body from text, from <Body>, with <Media>', () => {
  assert.equal(message('<Response><Message>  Hi &amp; bye  </Message></Response>').body, 'Hi & bye');
  const m = message(
    '<Response>\n  <Message>\n    <Body>Store Location: 123 Easy St.</Body>\n    <Media>https://example.com/a.png</Media>\n  </Message>\n</Response>',
  );
  assert.deepEqual([m.body, m.media], ['Store Location: 123 Easy St.', ['https://example.com/a.png']]);
  assert.deepEqual(message('<Response><Message><Media>https://e.com/1.jpg</Media><Media>https://e.com/2.jpg</Media></Message></Response>').media, [
    'https://e.com/1.jpg',
    'https://e.com/2.jpg',
  ]);
  assert.equal(message('<Response><Message><Body><![CDATA[<b>bold</b> & co]]></Body></Message></Response>').body, '<b>bold</b> & co');
});

test('<Message> allows up to 10 media', () => {
  const media = (n: number) => Array.from({ length: n }, (_, i) => `<Media>https://e.com/${i}.jpg</Media>`).join('');
  assert.equal(message(`<Response><Message>${media(10)}</Message></Response>`).media.length, 10);
  assert.equal(alertOf(`<Response><Message>${media(11)}</Message></Response>`, 'messaging').code, 12200);
});

test('messaging documents: several messages, nesting and dialect errors', () => {
  assert.equal(verbsOf('<Response><Message>a</Message><Message to="+1">b</Message><Redirect>/x</Redirect></Response>', 'messaging').length, 3);
  assert.equal(alertOf('<Response><Say>hi</Say></Response>', 'messaging').code, 12200);
  assert.equal(alertOf('<Response><Message><Say>x</Say></Message></Response>', 'messaging').code, 12100);
  assert.equal(alertOf('<Response><Message><Foo/></Message></Response>', 'messaging').code, 12200);
  assert.equal(alertOf('<Response><Message><Media/></Message></Response>', 'messaging').code, 12200);
  assert.equal(alertOf('<Response><Message><Body>a<Media>x</Media></Body></Message></Response>', 'messaging').code, 12100);
  assert.equal(alertOf('<Response><Body>x</Body></Response>', 'messaging').code, 12100);
});
