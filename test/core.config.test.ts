import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Cli } from './support/cli.js';

// Options whose values are parsed beyond their type (src/config/resolve.ts): a bad one stops `switchboard start`
// with exit code 2 and a message that starts with the option, before anything is opened.
const dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
const procs: Cli[] = [];

after(() => {
  for (const p of procs) p.kill();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const BAD: ReadonlyArray<{ flag: string; env: string; value: () => string }> = [
  { flag: '--rtp-ports', env: 'SWITCHBOARD_RTP_PORTS', value: () => '20000-10000' },
  { flag: '--video-ports', env: 'SWITCHBOARD_VIDEO_PORTS', value: () => '80-90' },
  { flag: '--carriers-file', env: 'SWITCHBOARD_CARRIERS_FILE', value: () => file('carriers.json', '{"carriers": [{"name": "no-host"}]}') },
  { flag: '--ice-servers', env: 'SWITCHBOARD_ICE_SERVERS', value: () => 'http://stun.example.net' },
  { flag: '--price-table', env: 'SWITCHBOARD_PRICE_TABLE', value: () => file('prices.json', '{"currency": "dollars"}') },
  { flag: '--sip-trunk', env: 'SWITCHBOARD_SIP_TRUNK', value: () => 'trunk.example.net' },
  { flag: '--sip-trusted-sources', env: 'SWITCHBOARD_SIP_TRUSTED_SOURCES', value: () => '10.0.0.0/33' },
  { flag: '--sip-peers', env: 'SWITCHBOARD_SIP_PEERS', value: () => 'alice' },
  { flag: '--outbound-deny', env: 'SWITCHBOARD_OUTBOUND_DENY', value: () => 'intranet' },
  { flag: '--outbound-allow', env: 'SWITCHBOARD_OUTBOUND_ALLOW', value: () => '10.0.0.0/99' },
];

describe('a bad structured option stops the start', { concurrency: true }, () => {
  for (const { flag, env, value } of BAD) {
    test(`${flag}: exit code 2, and the message names ${flag} and ${env}`, async () => {
      const p = new Cli(['start', '--port', '0', '--data-dir', join(dir, 'data'), flag, value()]);
      procs.push(p);
      assert.equal(await p.exited, 2, p.stderr);
      assert.ok(p.stderr.startsWith(`switchboard: ${flag} (${env}): `), p.stderr);
      assert.doesNotMatch(p.stderr, /\n\s+at /, 'no stack trace');
    });
  }
});
