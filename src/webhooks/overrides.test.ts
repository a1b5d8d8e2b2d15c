import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTarget } from './overrides.js';

test('no fragment: Twilio defaults (connect 5 s, read and total the configured timeout, one retry on ct)', () => {
  const { url, settings, problems } = parseTarget('https://app.test/voice?x=1', 15_000);
  assert.equal(url, 'https://app.test/voice?x=1');
  assert.deepEqual(
    { ...settings, retryOn: [...settings.retryOn] },
    {
      connectTimeoutMs: 5000,
      readTimeoutMs: 15_000,
      totalTimeoutMs: 15_000,
      retryCount: 1,
      retryOn: ['ct'],
      totalTimeoutSet: false,
    },
  );
  assert.deepEqual(problems, []);
});

test('every override is read and the fragment is removed from the URL', () => {
  const { url, settings, problems } = parseTarget('https://app.test/voice?x=1#ct=1000&rt=2000&tt=9000&rc=3&rp=4xx,5xx&e=dublin,ashburn&sni=y', 15_000);
  assert.equal(url, 'https://app.test/voice?x=1');
  assert.equal(settings.connectTimeoutMs, 1000);
  assert.equal(settings.readTimeoutMs, 2000);
  assert.equal(settings.totalTimeoutMs, 9000);
  assert.equal(settings.totalTimeoutSet, true);
  assert.equal(settings.retryCount, 3);
  assert.deepEqual([...settings.retryOn].sort(), ['4xx', '5xx']);
  assert.deepEqual(problems, []);
  assert.deepEqual([...parseTarget('https://a.test/#rp=all', 15_000).settings.retryOn].sort(), ['4xx', '5xx', 'ct', 'rt']);
  assert.equal(parseTarget('https://a.test/#rc=0', 15_000).settings.retryCount, 0);
});

test('a value out of range or unknown is ignored with its alert; the default applies', () => {
  const { settings, problems } = parseTarget('https://app.test/v#ct=50&rt=abc&tt=20000&rc=6&rp=sometimes&e=mars', 15_000);
  assert.equal(settings.connectTimeoutMs, 5000);
  assert.equal(settings.readTimeoutMs, 15_000);
  assert.equal(settings.totalTimeoutMs, 15_000);
  assert.equal(settings.retryCount, 1);
  assert.deepEqual([...settings.retryOn], ['ct']);
  assert.deepEqual(
    problems.map((p) => p.alert),
    ['overrideValueInvalid', 'overrideValueInvalid', 'overrideValueInvalid', 'overrideValueInvalid', 'overrideRetryPolicyInvalid', 'overrideEdgeInvalid'],
  );
  assert.match(problems[0]!.detail, /ct=50 .* 100 to 10000/);
});

test('an ordinary anchor is dropped without complaint', () => {
  const { url, problems } = parseTarget('https://app.test/page#section', 15_000);
  assert.equal(url, 'https://app.test/page');
  assert.deepEqual(problems, []);
});
