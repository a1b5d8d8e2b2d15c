// The programs and Debian packages the end-to-end tests drive, and the one probe for each: scripts/ensure.mjs
// installs what the probe finds missing, and the tests (test/support/tools.ts) ask the same probe, so a tool
// ensure.mjs calls present is one the tests find. Plain Node: ensure.mjs runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** `path` must exist; `check`, when given, must then exit 0 (a file alone does not prove a Perl module loads). */
export const TEST_TOOLS = [
  { name: 'sipp', pkg: 'sip-tester', path: '/usr/bin/sipp' },
  { name: 'baresip', pkg: 'baresip-core', path: '/usr/bin/baresip' },
  { name: 'espeak-ng', pkg: 'espeak-ng', path: '/usr/bin/espeak-ng' },
  { name: 'sox', pkg: 'sox', path: '/usr/bin/sox' },
  { name: 'net-smpp', pkg: 'libnet-smpp-perl', path: '/usr/share/perl5/Net/SMPP.pm', check: ['perl', '-MNet::SMPP', '-e', '1'] },
  { name: 'python3-twilio', pkg: 'python3-twilio', path: '/usr/lib/python3/dist-packages/twilio/__init__.py' },
  { name: 'python3-flask', pkg: 'python3-flask', path: '/usr/lib/python3/dist-packages/flask/__init__.py' },
  { name: 'chromium', pkg: 'chromium', path: '/usr/bin/chromium' },
  { name: 'ffprobe', pkg: 'ffmpeg', path: '/usr/bin/ffprobe' },
  { name: 'lame', pkg: 'lame', path: '/usr/bin/lame' },
  // Offline speech recognition (<Gather input="speech">, transcription) and a second voice for test speech.
  { name: 'pocketsphinx', pkg: 'pocketsphinx', path: '/usr/bin/pocketsphinx_batch' },
  { name: 'pocketsphinx-en-us', pkg: 'pocketsphinx-en-us', path: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict' },
  { name: 'flite', pkg: 'flite', path: '/usr/bin/flite' },
  // The SIP load balancer in front of several voice nodes (test/cluster.kamailio.test.ts, deploy/kamailio/).
  { name: 'kamailio', pkg: 'kamailio', path: '/usr/sbin/kamailio' },
  { name: 'openssl', pkg: 'openssl', path: '/usr/bin/openssl', check: ['openssl', 'version'] },
];

/** Why `name` is unusable, or false when it is there and works. */
export function toolMissing(name) {
  const tool = TEST_TOOLS.find((t) => t.name === name);
  if (!tool) throw new Error(`unknown test tool ${name} (scripts/test-tools.mjs)`);
  if (!existsSync(tool.path)) return `${name} is not installed (${tool.path}; Debian ${tool.pkg}, installed by npm test)`;
  if (tool.check) {
    const [cmd, ...args] = tool.check;
    const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
    if (r.status !== 0) return `${name} does not work: \`${tool.check.join(' ')}\` failed (Debian ${tool.pkg})`;
  }
  return false;
}

/** The Debian packages whose tool the probe finds missing. */
export function missingPackages() {
  return [...new Set(TEST_TOOLS.filter((t) => toolMissing(t.name) !== false).map((t) => t.pkg))];
}
