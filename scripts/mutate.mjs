// The mutation check (`npm run mutate`, not part of CI): puts one known bug at a time into the product, runs
// the test files that should catch it, puts the code back, and reports which bugs the tests let through
// ("survived"). Each bug is one exact text replacement, so a refactor that moves the code makes the entry
// fail loudly ("not found") instead of silently testing nothing. Run it on a clean, green tree.
//
//   npm run mutate                      every mutation
//   npm run mutate -- optout backoff    the mutations whose name contains any of the words
//
// The list and the last result are kept in docs/testing.md. The machine may be shared: each mutation runs
// only its own test files, one after another.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/**
 * name: what the bug is; file, find, replace: the edit (find must occur exactly once); tests: arguments to
 * scripts/run-tests.mjs (file filters, `--unit` to stay in src/).
 */
export const MUTATIONS = [
  {
    name: 'message fetch without the account check',
    file: 'src/messaging/service.ts',
    find: 'const row = await this.deps.messages.findOwned(accountSid, sid);\n    if (!row) throw errors.notFound',
    replace: 'const row = await this.deps.messages.find(sid);\n    if (!row) throw errors.notFound',
    tests: ['core.isolation-matrix'],
  },
  {
    name: "every account's webhooks signed with the root's token",
    file: 'src/platform.ts',
    find: '(sid) => accounts.authTokenOf(sid),',
    replace: '() => accounts.authTokenOf(root.sid),',
    tests: ['core.isolation-matrix'],
  },
  {
    name: 'no failed or undelivered status callbacks',
    file: 'src/messaging/callbacks.ts',
    find: "new Set(['queued', 'canceled', 'sent', 'failed', 'delivered', 'undelivered'])",
    replace: "new Set(['queued', 'canceled', 'sent', 'delivered'])",
    tests: ['--unit', 'messaging/pipeline'],
  },
  {
    name: 'status callbacks without ErrorCode',
    file: 'src/messaging/callbacks.ts',
    find: 'if (m.error_code !== null) params.ErrorCode = String(m.error_code);',
    replace: '',
    tests: ['--unit', 'messaging/pipeline'],
  },
  {
    name: 'opt-out keywords reduced to STOP, START and HELP',
    file: 'src/messaging/optout.ts',
    find: 'return KEYWORDS[body.trim().toUpperCase()];',
    replace: "const w = body.trim().toUpperCase();\n  return w === 'STOP' ? 'stop' : w === 'START' ? 'start' : w === 'HELP' ? 'help' : undefined;",
    tests: ['--unit', 'messaging/optout'],
  },
  {
    name: 'opt-out applied account-wide instead of per sender',
    file: 'src/store/repositories/opt-outs.ts',
    find: ".where(\n            'sender',\n            'in',\n            senders.map((_, i) => arg(i + 2)),\n          )",
    replace:
      ".where((eb) =>\n            eb.or([eb('sender', 'in', senders.map((_, i) => arg(i + 2))), eb('sender', 'not in', senders.map((_, i) => arg(i + 2)))]),\n          )",
    tests: ['messaging.optout'],
  },
  {
    name: 'webhook attempts 4 -> 1000',
    file: 'src/webhooks/dispatcher.ts',
    find: 'job(call: WebhookCall, maxAttempts = 4): NewJob {',
    replace: 'job(call: WebhookCall, maxAttempts = 1000): NewJob {',
    tests: ['--unit', 'webhooks/retry-policy'],
  },
  {
    name: 'webhook retry delay without its one-minute cap',
    file: 'src/webhooks/dispatcher.ts',
    find: 'delayMs: Math.min(this.opts.retryBaseMs * 2 ** (attempt - 1), 60_000),',
    replace: 'delayMs: this.opts.retryBaseMs * 2 ** (attempt - 1),',
    tests: ['--unit', 'webhooks/retry-policy'],
  },
  {
    name: 'webhook retry delay not doubling',
    file: 'src/webhooks/dispatcher.ts',
    find: 'delayMs: Math.min(this.opts.retryBaseMs * 2 ** (attempt - 1), 60_000),',
    replace: 'delayMs: this.opts.retryBaseMs,',
    tests: ['--unit', 'webhooks/retry-policy'],
  },
  {
    name: 'a 4xx webhook answer retried',
    file: 'src/webhooks/dispatcher.ts',
    find: "if (result.status !== null && result.status >= 400 && result.status < 500) return { kind: 'dead', error: `HTTP ${result.status}` };",
    replace: '',
    tests: ['--unit', 'webhooks/retry-policy'],
  },
  {
    name: 'SMPP reconnect backoff not doubling',
    file: 'src/messaging/carriers/smpp/backoff.ts',
    find: 'const base = Math.min(maxMs, initialMs * multiplier ** this.attempt);',
    replace: 'const base = Math.min(maxMs, initialMs);',
    tests: ['--unit', 'smpp/reconnect'],
  },
  {
    name: 'SMPP reconnect backoff without its cap',
    file: 'src/messaging/carriers/smpp/backoff.ts',
    find: 'const base = Math.min(maxMs, initialMs * multiplier ** this.attempt);',
    replace: 'const base = initialMs * multiplier ** this.attempt;',
    tests: ['--unit', 'smpp/reconnect'],
  },
  {
    name: 'SMPP reconnect without jitter',
    file: 'src/messaging/carriers/smpp/backoff.ts',
    find: 'return Math.max(0, Math.round(base * (1 - jitter * this.random())));',
    replace: 'return Math.max(0, Math.round(base));',
    tests: ['--unit', 'smpp/reconnect'],
  },
  {
    name: 'SMPP reconnect: false ignored',
    file: 'src/messaging/carriers/smpp/link.ts',
    find: 'this.backoff = options.reconnect ? new Backoff(options.reconnect, options.random) : null;',
    replace: 'this.backoff = new Backoff(options.reconnect || { initialMs: 20, maxMs: 100 }, options.random);',
    tests: ['--unit', 'smpp/reconnect'],
  },
  {
    name: 'a scheduled message sent at once instead of at SendAt',
    file: 'src/messaging/service.ts',
    find: 'runAt = input.sendAt;',
    replace: 'runAt = now;',
    tests: ['--unit', 'messaging/service'],
  },
  {
    name: 'ValidityPeriod never expires a queued message (30036)',
    file: 'src/messaging/pipeline.ts',
    find: 'if (m.validity_period && now > m.date_created + m.validity_period * 1000) {',
    replace: 'if (false && m.validity_period && now > m.date_created + m.validity_period * 1000) {',
    tests: ['--unit', 'messaging/pipeline'],
  },
  {
    name: 'a full sender backlog accepted instead of 21611',
    file: 'src/messaging/service.ts',
    find: 'if (slot === undefined) throw errors.queueFull();',
    replace: '',
    tests: ['--unit', 'messaging/service'],
  },
  {
    name: '<Say> replaced by a 440 Hz tone of the same length',
    file: 'src/voice/tts/espeak.ts',
    find: 'return resampleTo8k(decoded.pcm, decoded.info.sampleRate);',
    replace:
      'const n = resampleTo8k(decoded.pcm, decoded.info.sampleRate).length;\n    return Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));',
    tests: ['voice.say-content'],
  },
  {
    name: "Verify's call says the code's digits in reverse order",
    file: 'src/verify/spoken.ts',
    find: "${[...code].join(', ')}",
    replace: "${[...code].reverse().join(', ')}",
    tests: ['verify.call'],
  },
  {
    name: 'a Message response without api_version (spec drift)',
    file: 'src/http/resources/messages/presenter.ts',
    find: "    api_version: '2010-04-01',\n",
    replace: '',
    tests: ['messaging.api'],
  },
];

function runTests(args) {
  const r = spawnSync(process.execPath, [join(root, 'scripts/run-tests.mjs'), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const summary =
    (r.stdout ?? '')
      .trim()
      .split('\n')
      .filter((l) => /^\d+ passed, \d+ failed/.test(l))
      .at(-1) ?? '(no summary line)';
  return { ok: r.status === 0, summary };
}

const filters = process.argv.slice(2);
const chosen = MUTATIONS.filter((m) => filters.length === 0 || filters.some((f) => m.name.includes(f)));
const results = [];
let restore;
process.on('SIGINT', () => {
  restore?.();
  process.exit(130);
});

for (const m of chosen) {
  const path = join(root, m.file);
  const original = readFileSync(path, 'utf8');
  const at = original.indexOf(m.find);
  if (at < 0 || original.indexOf(m.find, at + 1) >= 0) {
    results.push({ name: m.name, outcome: 'not found', summary: `${m.file}: the text to replace occurs ${at < 0 ? 'nowhere' : 'more than once'}` });
    continue;
  }
  restore = () => writeFileSync(path, original);
  writeFileSync(path, original.slice(0, at) + m.replace + original.slice(at + m.find.length));
  try {
    process.stdout.write(`mutate: ${m.name} ... `);
    const { ok, summary } = runTests(m.tests);
    const outcome = ok ? 'SURVIVED' : 'caught';
    console.log(`${outcome} (${m.tests.join(' ')}: ${summary})`);
    results.push({ name: m.name, outcome, summary: `${m.tests.join(' ')}: ${summary}` });
  } finally {
    restore();
    restore = undefined;
  }
}

console.log('\n| mutation | result | tests run |\n| --- | --- | --- |');
for (const r of results) console.log(`| ${r.name} | ${r.outcome} | ${r.summary} |`);
const bad = results.filter((r) => r.outcome !== 'caught');
console.log(`\n${results.length - bad.length} of ${results.length} caught`);
process.exit(bad.length === 0 ? 0 : 1);
