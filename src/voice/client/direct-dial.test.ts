import assert from 'node:assert/strict';
import { test } from 'node:test';
import { directDialTwiml } from './direct-dial.js';

test('the console phone dials numbers, SIP URIs and client identities; anything else is refused', () => {
  assert.match(
    directDialTwiml('+1 (415) 555-0100', '+14155550199')!,
    /<Dial answerOnBridge="true" callerId="\+14155550199"><Number>\+14155550100<\/Number><\/Dial>/,
  );
  assert.match(directDialTwiml('sip:bob@127.0.0.1:5070', undefined)!, /<Dial answerOnBridge="true"><Sip>sip:bob@127.0.0.1:5070<\/Sip>/);
  assert.match(directDialTwiml('client:alice', '')!, /<Client>alice<\/Client>/);
  assert.equal(directDialTwiml('client:<x>', undefined), null);
  assert.equal(directDialTwiml('hello', undefined), null);
  // Attribute values are escaped: a callerId cannot add attributes or verbs.
  assert.match(directDialTwiml('+14155550100', '"><Hangup/>')!, /callerId="&quot;&gt;&lt;Hangup\/&gt;"/);
});
