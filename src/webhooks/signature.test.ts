import assert from 'node:assert/strict';
import { test } from 'node:test';
import twilio from 'twilio';
import { computeSignature, signJsonBody, validateSignature } from './signature.js';

const vector = {
  token: '12345',
  url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
  params: { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' },
};

// The shared notes quote RSOYDt4T1cUTdK1PDd93/VVr8B8= for these inputs, but twilio-node 6.3.1's own
// getExpectedTwilioSignature() gives 0/KCTR6DLpKmkAf8muzZqo1nDgQ= and its validateRequest() rejects the
// former: the official SDK is what apps run, so it is the oracle here.
test('matches the signature the official SDK computes for the documented inputs', () => {
  const ours = computeSignature(vector.token, vector.url, vector.params);
  assert.equal(ours, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  assert.equal(ours, twilio.getExpectedTwilioSignature(vector.token, vector.url, vector.params));
});

test('twilio.validateRequest accepts our signatures, including repeated keys', () => {
  const params = { ...vector.params, MediaUrl: ['https://b.example/2', 'https://a.example/1'] };
  const sig = computeSignature('secret-token', vector.url, params);
  assert.equal(twilio.validateRequest('secret-token', sig, vector.url, params), true);
  assert.equal(twilio.validateRequest('other-token', sig, vector.url, params), false);
});

test('JSON bodies are signed through bodySHA256 as twilio.validateRequestWithBody expects', () => {
  const body = JSON.stringify({ hello: 'world' });
  const { url, signature } = signJsonBody('tok12345', 'https://example.com/hook', body);
  assert.equal(twilio.validateRequestWithBody('tok12345', signature, url, body), true);
});

test('validateSignature rejects a tampered parameter', () => {
  const sig = computeSignature('t', vector.url, vector.params);
  assert.equal(validateSignature('t', sig, vector.url, vector.params), true);
  assert.equal(validateSignature('t', sig, vector.url, { ...vector.params, Digits: '9' }), false);
});
