// A person who clones the repository has only the repository: nothing in it may read the reference folder
// that sits beside the checkout in Switchboard's own workspace. (Issue 17, item 1: the OpenAPI specs the
// tests use were read from there, so a fresh clone failed its OpenAPI and Lookup tests.)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('..', import.meta.url).pathname;
// Built from parts so this file does not match itself.
const SIBLING = new RegExp(['\\.\\.', '/', 'shared', '(/|\\b)'].join(''));
const CODE = /^(src|test|scripts|bench|bin|console|video-sdk|\.ci)\/|^package\.json$|^tsconfig/;

test('no tracked file of code reads the folder beside the checkout', () => {
  const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => (CODE.test(f) && !f.endsWith('.json')) || f === 'package.json');
  assert.ok(files.length > 100, `expected the repository's files, found ${files.length}`);
  const offenders = files.filter((f) => SIBLING.test(readFileSync(`${root}/${f}`, 'utf8')));
  assert.deepEqual(offenders, []);
});

test('the OpenAPI specs the tests validate against are in the repository, with their licence', () => {
  const tracked = execFileSync('git', ['ls-files', 'test/twilio-oai'], { cwd: root, encoding: 'utf8' }).split('\n');
  for (const f of ['LICENSE', 'twilio_api_v2010.json', 'twilio_lookups_v2.json', 'twilio_messaging_v1.json', 'twilio_verify_v2.json', 'twilio_video_v1.json']) {
    assert.ok(tracked.includes(`test/twilio-oai/${f}`), `test/twilio-oai/${f} is tracked`);
  }
  assert.match(readFileSync(`${root}/test/twilio-oai/LICENSE`, 'utf8'), /MIT License/);
});
