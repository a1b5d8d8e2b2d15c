import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTwiml } from '../twiml/index.js';
import { interpret, MAX_BARE_REDIRECTS, type DocumentSource, type InterpreterHost, type LoadedDocument } from './interpreter.js';
import { FakeControl } from './verbs/test-support/fake-control.js';

class Host implements InterpreterHost {
  ended = false;
  loads: DocumentSource[] = [];
  pending: DocumentSource | null = null;
  ctl = new FakeControl();
  constructor(private readonly docs: Record<string, string>) {}
  async load(source: DocumentSource): Promise<LoadedDocument | null> {
    this.loads.push(source);
    const xml = source.kind === 'twiml' ? source.xml : this.docs[source.url];
    if (xml === undefined) return null;
    const parsed = parseTwiml(xml, { dialect: 'voice' });
    return parsed.ok ? { verbs: parsed.verbs, url: source.kind === 'url' ? source.url : null } : null;
  }
  control() {
    return this.ctl;
  }
  takePending() {
    const p = this.pending;
    this.pending = null;
    return p;
  }
}

const url = (u: string): DocumentSource => ({ kind: 'url', url: u, method: 'POST', fallback: null });

test('runs verbs in order, follows Redirects by looping, and ends at the end of a document', async () => {
  const host = new Host({
    'https://a/1': '<Response><Say>one</Say><Redirect>https://a/2</Redirect><Say>never</Say></Response>',
    'https://a/2': '<Response><Say>two</Say></Response>',
  });
  assert.deepEqual(await interpret(host, url('https://a/1')), { kind: 'hangup' });
  assert.deepEqual(host.ctl.leg.log, ['say:one:en-US:1', 'say:two:en-US:1']);
  assert.equal(host.loads.length, 2);
});

test('an unsupported verb raises 12200 and ends the call; Reject ends it with its reason', async () => {
  const host = new Host({ 'https://a/1': '<Response><Say>hi</Say><Connect><Stream url="wss://x"/></Connect><Say>never</Say></Response>' });
  assert.deepEqual(await interpret(host, url('https://a/1')), { kind: 'hangup' });
  assert.equal(host.ctl.alerts[0]?.kind, 'voiceVerbUnsupported');
  assert.deepEqual(await interpret(new Host({}), { kind: 'twiml', xml: '<Response><Reject reason="busy"/></Response>' }), { kind: 'reject', reason: 'busy' });
});

test('a document queued from outside replaces the rest of the current one', async () => {
  const host = new Host({ 'https://a/1': '<Response><Say>one</Say><Say>skipped</Say></Response>', 'https://a/new': '<Response><Say>new</Say></Response>' });
  const say = host.ctl.leg.say.bind(host.ctl.leg);
  host.ctl.leg.say = async (...args) => {
    if (args[0] === 'one') host.pending = url('https://a/new');
    return say(...args);
  };
  await interpret(host, url('https://a/1'));
  assert.deepEqual(host.ctl.leg.log, ['say:one:en-US:1', 'say:new:en-US:1']);
});

test('a loop of bare Redirects is cut off with an alert instead of hammering the app', async () => {
  const host = new Host({ 'https://a/loop': '<Response><Redirect>https://a/loop</Redirect></Response>' });
  assert.deepEqual(await interpret(host, url('https://a/loop')), { kind: 'hangup' });
  assert.equal(host.loads.length, MAX_BARE_REDIRECTS + 1);
  assert.equal(host.ctl.alerts[0]?.kind, 'tooManyRedirects');
});

test('a document that fails to load ends the call (the host raised the alert)', async () => {
  assert.deepEqual(await interpret(new Host({}), url('https://a/missing')), { kind: 'hangup' });
});
