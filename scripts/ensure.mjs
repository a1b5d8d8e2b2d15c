// Makes a fresh clone runnable: installs npm dependencies when the lock file changed, builds dist/ when
// sources changed, and (for `test`) makes sure the Debian packages the tests drive are present.
// Modes: `install` (npm dependencies only), `build` (the default), `test`.
// Uses only Node built-ins because it runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const mode = process.argv[2] ?? 'build';

// Debian packages used by the end-to-end tests, with the command that proves each is present.
export const DEBIAN_TEST_PACKAGES = [
  { pkg: 'sip-tester', probe: 'sipp' },
  { pkg: 'baresip-core', probe: 'baresip' },
  { pkg: 'espeak-ng', probe: 'espeak-ng' },
  { pkg: 'sox', probe: 'sox' },
  { pkg: 'libnet-smpp-perl', probe: null, file: '/usr/share/perl5/Net/SMPP.pm' },
  { pkg: 'python3-twilio', probe: null, file: '/usr/lib/python3/dist-packages/twilio/__init__.py' },
  { pkg: 'python3-flask', probe: null, file: '/usr/lib/python3/dist-packages/flask/__init__.py' },
  { pkg: 'chromium', probe: 'chromium' },
  { pkg: 'ffmpeg', probe: 'ffprobe' },
  { pkg: 'lame', probe: 'lame' },
];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function newestIn(dir) {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(p) : mtime(p));
  }
  return newest;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function ensureInstalled() {
  const marker = join(root, 'node_modules/.package-lock.json');
  if (mtime(marker) < Math.max(mtime(join(root, 'package-lock.json')), mtime(join(root, 'package.json')))) {
    console.error('switchboard: installing npm dependencies (npm ci)...');
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
}

function ensureBuilt() {
  if (mtime(join(root, 'dist/.tsbuildinfo')) < newestIn(join(root, 'src'))) {
    console.error('switchboard: compiling TypeScript...');
    run('npx', ['tsc', '-p', 'tsconfig.build.json']);
  }
  if (mtime(join(root, 'dist/console-ui/index.html')) < newestIn(join(root, 'console'))) {
    console.error('switchboard: building the web console...');
    run('npm', ['run', '--silent', 'build:console']);
  }
  if (mtime(join(root, 'dist/video-sdk/sdk.js')) < newestIn(join(root, 'video-sdk'))) {
    console.error('switchboard: building the video SDK...');
    run('npm', ['run', '--silent', 'build:video-sdk']);
  }
}

function has(p) {
  if (p.file) return existsSync(p.file);
  return spawnSync('sh', ['-c', `command -v ${p.probe}`], { stdio: 'ignore' }).status === 0;
}

function ensureDebianPackages() {
  const missing = DEBIAN_TEST_PACKAGES.filter((p) => !has(p)).map((p) => p.pkg);
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    console.error(`switchboard: the tests need these Debian packages: ${missing.join(' ')}`);
    console.error(`install them with: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  console.error(`switchboard: installing Debian packages for the tests: ${missing.join(' ')}`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

ensureInstalled();
if (mode === 'build' || mode === 'test') ensureBuilt();
if (mode === 'test') ensureDebianPackages();
