// Makes a fresh clone runnable: installs npm dependencies when the lock file changed, builds dist/ when
// sources changed, and (for `test`) makes sure the Debian packages the tests drive are present.
// Modes: `install` (npm dependencies only), `build` (the default), `test`; `dist` builds without checking
// dependencies (the benchmarks, which already run from node_modules).
// Uses only Node built-ins because it runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingPackages } from './test-tools.mjs';

const root = new URL('..', import.meta.url).pathname;
const mode = process.argv[2] ?? 'build';

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
  // A stamp of our own, not dist/.tsbuildinfo: `tsc --noEmit -p .` rewrites that one without emitting, which
  // made a stale dist/ look current.
  const stamp = join(root, 'dist/.compiled');
  if (mtime(stamp) < newestIn(join(root, 'src'))) {
    console.error('switchboard: compiling TypeScript...');
    const started = new Date();
    run('npx', ['tsc', '-p', 'tsconfig.build.json']);
    // The compile's start time: a source saved while it ran is still newer.
    writeFileSync(stamp, '');
    utimesSync(stamp, started, started);
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

function ensureDebianPackages() {
  // The same probe the tests use (scripts/test-tools.mjs), so what is installed here is what they find.
  const missing = missingPackages();
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
  const still = missingPackages();
  if (still.length > 0) {
    console.error(`switchboard: installed, but the tests' probes still fail for: ${still.join(' ')}`);
    process.exit(1);
  }
}

if (mode !== 'dist') ensureInstalled();
if (mode === 'build' || mode === 'test' || mode === 'dist') ensureBuilt();
if (mode === 'test') ensureDebianPackages();
