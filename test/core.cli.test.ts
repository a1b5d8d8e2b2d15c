import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OPTIONS } from '../src/config/schema.js';
import { Cli } from './support/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const dirs: string[] = [];
const procs: Cli[] = [];
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'sb-cli-'));
  dirs.push(d);
  return d;
};
const cli = (args: string[], env?: Record<string, string>) => {
  const c = new Cli(args, env);
  procs.push(c);
  return c;
};
const basic = (sid: string, token: string) => `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;

after(() => {
  for (const p of procs) p.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Sends a request's head with `Expect: 100-continue` and resolves once the server acknowledged it. */
async function startSlowRequest(url: string, path: string, auth: string, body: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = '';
  const changed = new Set<() => void>();
  socket.setEncoding('utf8').on('data', (d: string) => {
    received += d;
    for (const l of changed) l();
  });
  const until = (re: RegExp) =>
    new Promise<string>((resolve) => {
      const check = () => {
        if (re.test(received)) {
          changed.delete(check);
          resolve(received);
        }
      };
      changed.add(check);
      check();
    });
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: ${auth}\r\n` +
      `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
  );
  await until(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
  return {
    finish: async () => {
      socket.end(body);
      const full = (await until(/\r\n\r\nHTTP\/1\.1 \d{3}[\s\S]*\r\n\r\n[\s\S]*\}$/)).replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
      const split = full.indexOf('\r\n\r\n');
      return { status: Number(full.slice(9, 12)), body: full.slice(split + 4) };
    },
  };
}

describe('the switchboard command', () => {
  test('start prints URL and credentials, serves /healthz, drains an in-flight request on SIGTERM, keeps credentials across restarts', async () => {
    const dir = dataDir();
    const first = cli(['start', '--port', '0', '--data-dir', dir]);
    const { url, sid, token } = await first.banner();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.doesNotMatch(url, /:0$/, 'the banner shows the port actually bound');
    assert.ok(token, 'the first start shows the token it generated');
    assert.match(token, /^[0-9a-f]{32}$/);
    assert.doesNotMatch(first.stdout, new RegExp(token), 'the JSON log never carries the token');
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const me = await fetch(`${url}/2010-04-01/Accounts/${sid}.json`, { headers: { authorization: basic(sid, token) } });
    assert.equal(me.status, 200);

    // A request whose body is still arriving when SIGTERM lands must complete, then the process exits 0.
    const slow = await startSlowRequest(url, `/2010-04-01/Accounts/${sid}/Applications.json`, basic(sid, token), 'FriendlyName=drained');
    first.signal('SIGTERM');
    await first.waitFor(/draining in-flight work/, 'stdout');
    const response = await slow.finish();
    assert.equal(response.status, 201);
    const created = JSON.parse(response.body) as { sid: string; friendly_name: string };
    assert.match(created.sid, /^AP[0-9a-f]{32}$/);
    assert.equal(created.friendly_name, 'drained');
    assert.equal(await first.exited, 0);

    const second = cli(['start', '--port', '0', '--data-dir', dir]);
    const again = await second.banner();
    assert.equal(again.sid, sid);
    assert.equal(again.token, undefined, 'a later start does not print the token again');
    // What was accepted before the shutdown is there after it.
    const app = await fetch(`${again.url}/2010-04-01/Accounts/${sid}/Applications/${created.sid}.json`, { headers: { authorization: basic(sid, token) } });
    assert.equal(app.status, 200);
    second.signal('SIGINT');
    assert.equal(await second.exited, 0);

    const migrate = cli(['migrate', '--data-dir', dir]);
    assert.equal(await migrate.exited, 0);
    assert.match(migrate.stdout, /database is up to date/);
  });

  test('SWITCHBOARD_ACCOUNT_SID and SWITCHBOARD_AUTH_TOKEN fix the root credentials', async () => {
    const sid = `AC${'ab12'.repeat(8)}`;
    const token = 'fixed-token-for-ci-0001-0123456789ab';
    const p = cli(['start', '--port', '0', '--data-dir', dataDir()], { SWITCHBOARD_ACCOUNT_SID: sid, SWITCHBOARD_AUTH_TOKEN: token });
    const shown = await p.banner();
    assert.equal(shown.sid, sid);
    assert.equal(shown.token, undefined, "an operator's token is not echoed");
    assert.doesNotMatch(p.stderr + p.stdout, new RegExp(token));
    const res = await fetch(`${shown.url}/2010-04-01/Accounts/${sid}.json`, { headers: { authorization: basic(sid, token) } });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { sid: string }).sid, sid);
    p.signal('SIGTERM');
    assert.equal(await p.exited, 0);
  });

  test('start --help lists every option with its environment variable', async () => {
    const p = cli(['start', '--help']);
    assert.equal(await p.exited, 0);
    for (const o of OPTIONS) {
      const line = p.stdout.split('\n').find((l) => l.includes(`${o.flag} `) || l.trimStart().startsWith(o.flag));
      assert.ok(line, `--help lists ${o.flag}`);
      assert.ok(line.includes(o.env), `${o.flag} shows ${o.env}`);
    }
  });

  test('docs/configuration.md documents every option', () => {
    const doc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
    for (const o of OPTIONS) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${o.flag}`));
      assert.ok(row, `docs/configuration.md has a row for ${o.flag}`);
      assert.ok(row.includes(`\`${o.env}\``), `${o.flag} row names ${o.env}`);
    }
  });

  test('an invalid environment value exits 2 with a message naming it', async () => {
    const p = cli(['start', '--data-dir', dataDir()], { SWITCHBOARD_PORT: 'forty-two' });
    assert.equal(await p.exited, 2);
    assert.match(p.stderr, /SWITCHBOARD_PORT: expected an integer, got "forty-two"/);
    assert.doesNotMatch(p.stderr, /\n\s+at /, 'no stack trace');
    const q = cli(['start', '--bogus']);
    assert.equal(await q.exited, 2);
    assert.match(q.stderr, /unknown option --bogus/);
  });

  test('migrate applies the migrations to a fresh database', async () => {
    const p = cli(['migrate', '--data-dir', dataDir()]);
    assert.equal(await p.exited, 0);
    assert.match(p.stdout, /applied: 0001_core/);
  });
});
