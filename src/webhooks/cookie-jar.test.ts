import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COOKIE_LIFETIME_MS, CookieJar, MAX_COOKIES, MAX_JAR_BYTES } from './cookie-jar.js';

const T0 = Date.UTC(2025, 0, 1);
function jarAt(start = T0) {
  let now = start;
  const jar = new CookieJar([], () => now);
  return { jar, advance: (ms: number) => (now += ms) };
}
const u = (s: string) => new URL(s);

test('a cookie without an expiry lives 4 hours from when it was set; a longer one is capped to 4 hours', () => {
  const { jar, advance } = jarAt();
  jar.receive(u('https://app.example/sms'), ['step=2', `long=1; Max-Age=${24 * 3600}`, `expires=1; Expires=${new Date(T0 + 86_400_000).toUTCString()}`]);
  assert.equal(jar.header(u('https://app.example/sms')), 'step=2; long=1; expires=1');
  advance(COOKIE_LIFETIME_MS - 1);
  assert.equal(jar.header(u('https://app.example/sms')), 'step=2; long=1; expires=1');
  advance(1);
  assert.equal(jar.header(u('https://app.example/sms')), undefined);
});

test('Max-Age and Expires shorten the lifetime; Max-Age wins; Max-Age=0 deletes', () => {
  const { jar, advance } = jarAt();
  jar.receive(u('http://app.test/'), [
    'a=1; Max-Age=10; Expires=' + new Date(T0 + 3_600_000).toUTCString(),
    `b=2; Expires=${new Date(T0 + 20_000).toUTCString()}`,
    'c=3',
  ]);
  advance(10_000);
  assert.equal(jar.header(u('http://app.test/')), 'b=2; c=3');
  jar.receive(u('http://app.test/'), ['c=; Max-Age=0']);
  assert.equal(jar.header(u('http://app.test/')), 'b=2');
  advance(10_000);
  assert.equal(jar.header(u('http://app.test/')), undefined);
});

test('Path scopes a cookie; the default path is the directory of the URL that set it', () => {
  const { jar } = jarAt();
  jar.receive(u('http://app.test/survey/start'), ['dflt=1', 'root=2; Path=/', 'deep=3; Path=/survey/q']);
  assert.equal(jar.header(u('http://app.test/survey/q/2')), 'deep=3; dflt=1; root=2');
  assert.equal(jar.header(u('http://app.test/survey')), 'dflt=1; root=2');
  assert.equal(jar.header(u('http://app.test/surveys')), 'root=2');
  assert.equal(jar.header(u('http://app.test/other')), 'root=2');
});

test('host-only by default; Domain covers subdomains only when it covers the host that set it', () => {
  const { jar } = jarAt();
  const problems = jar.receive(u('http://api.app.test/x'), ['host=1; Path=/', 'dom=2; Domain=.app.test; Path=/', 'evil=3; Domain=other.test; Path=/']);
  assert.deepEqual(
    problems.map((p) => p.invalid),
    [false],
  );
  assert.equal(jar.header(u('http://api.app.test/')), 'host=1; dom=2');
  assert.equal(jar.header(u('http://www.app.test/')), 'dom=2');
  assert.equal(jar.header(u('http://other.test/')), undefined);
});

test('Secure cookies go to https and loopback hosts only', () => {
  const { jar } = jarAt();
  jar.receive(u('https://app.test/'), ['s=1; Secure']);
  jar.receive(u('http://127.0.0.1:3000/'), ['l=2; Secure']);
  assert.equal(jar.header(u('https://app.test/')), 's=1');
  assert.equal(jar.header(u('http://app.test/')), undefined);
  assert.equal(jar.header(u('http://127.0.0.1:3000/')), 'l=2');
});

test('an empty name or a control character is invalid (Twilio 11206) and not kept', () => {
  const { jar } = jarAt();
  const problems = jar.receive(u('http://app.test/'), ['=nameless', 'tab=a\tb', 'ok=1']);
  assert.deepEqual(
    problems.map((p) => p.invalid),
    [true, true],
  );
  assert.equal(jar.header(u('http://app.test/')), 'ok=1');
});

test('bounded: a cookie over 4096 bytes is refused; past 20 cookies or 8 KiB the least recently set go', () => {
  const { jar, advance } = jarAt();
  assert.equal(jar.receive(u('http://app.test/'), [`big=${'x'.repeat(4096)}`]).length, 1);
  for (let i = 0; i < MAX_COOKIES + 5; i++) {
    jar.receive(u('http://app.test/'), [`c${i}=${i}`]);
    advance(1);
  }
  assert.equal(jar.list().length, MAX_COOKIES);
  assert.equal(jar.list()[0]?.name, 'c5');
  // Re-setting an old cookie makes it the most recent.
  jar.receive(u('http://app.test/'), ['c5=again']);
  advance(1);
  jar.receive(u('http://app.test/'), [`v=${'y'.repeat(4000)}`, `w=${'z'.repeat(4000)}`]);
  const bytes = jar.list().reduce((n, c) => n + c.name.length + c.value.length + 2, 0);
  assert.ok(bytes <= MAX_JAR_BYTES);
  assert.ok(jar.list().some((c) => c.name === 'c5' && c.value === 'again'));
  assert.ok(jar.list().some((c) => c.name === 'w'));
});

test('only a change marks the jar for saving; expired cookies are dropped when loaded', () => {
  const { jar } = jarAt();
  jar.receive(u('http://app.test/'), ['gone=; Max-Age=0']);
  assert.equal(jar.changed, false);
  jar.receive(u('http://app.test/'), ['a=1']);
  assert.equal(jar.changed, true);
  const reloaded = new CookieJar([...jar.list()], () => T0 + COOKIE_LIFETIME_MS);
  assert.equal(reloaded.list().length, 0);
});
