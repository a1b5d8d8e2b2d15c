import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './load.js';
import { resolveSettings } from './resolve.js';

const resolve = (argv: string[], env: Record<string, string> = {}) => resolveSettings(loadConfig(argv, env, '/nonexistent'));

const rejects = (argv: string[], env: Record<string, string>, pattern: RegExp, secret?: string) =>
  assert.throws(
    () => resolve(argv, env),
    (e) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(e.message, pattern);
      if (secret) assert.ok(!e.message.includes(secret), e.message);
      return true;
    },
  );

test('speech: the http engine with its options from the environment and flags', () => {
  const { speech } = resolve(['--speech-engine', 'http', '--speech-languages', 'en-US, es,en'], {
    SWITCHBOARD_SPEECH_URL: 'http://127.0.0.1:8000/v1/audio/transcriptions',
    SWITCHBOARD_SPEECH_API_KEY: 'sk-config',
    SWITCHBOARD_SPEECH_CONCURRENCY: '4',
  });
  assert.deepEqual(speech, {
    engine: 'http',
    url: 'http://127.0.0.1:8000/v1/audio/transcriptions',
    apiKey: 'sk-config',
    model: 'whisper-1',
    languages: ['en', 'es'],
    timeoutMs: 10_000,
    maxConcurrent: 4,
  });
  assert.deepEqual(resolve([]).speech, { engine: 'pocketsphinx', maxConcurrent: 2 });
  assert.deepEqual(resolve(['--speech-engine', 'none', '--speech-url', 'not a url']).speech, { engine: 'none' }, 'http options only checked for http');
});

test('speech: http without --speech-url, or with a bad one, stops the start naming the option (and never the key)', () => {
  const key = { SWITCHBOARD_SPEECH_API_KEY: 'sk-never-shown' };
  rejects(['--speech-engine', 'http'], key, /^--speech-url \(SWITCHBOARD_SPEECH_URL\): --speech-engine http needs the endpoint/, 'sk-never-shown');
  rejects(['--speech-engine', 'http', '--speech-url', 'ftp://asr.example.com/x'], key, /--speech-url .*http\(s\) URL/);
  rejects(['--speech-engine', 'http', '--speech-url', 'https://user:hunter2@asr.example.com/v1'], key, /must not carry user:password/, 'hunter2');
  rejects(['--speech-engine', 'http', '--speech-url', 'http://[bad?api-key=sk-in-url'], key, /--speech-url .*http\(s\) URL/, 'sk-in-url');
  rejects(['--speech-engine', 'http', '--speech-url', 'http://127.0.0.1/', '--speech-languages', 'en,!!'], key, /^--speech-languages .*"!!"/);
  rejects(['--speech-engine', 'whisper'], {}, /^--speech-engine \(SWITCHBOARD_SPEECH_ENGINE\): unknown speech engine "whisper": use pocketsphinx, http, none/);
});

test('speech: the timeout and the concurrency are at least 1', () => {
  assert.throws(() => loadConfig(['--speech-timeout', '0'], {}, '/nonexistent'), /SWITCHBOARD_SPEECH_TIMEOUT_MS must be at least 1/);
  assert.throws(() => loadConfig([], { SWITCHBOARD_SPEECH_CONCURRENCY: '0' }, '/nonexistent'), /SWITCHBOARD_SPEECH_CONCURRENCY must be at least 1/);
});
