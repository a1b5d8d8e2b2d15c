// Runs test files with node:test and tsx, then prints `N passed, N failed, N skipped` (.ci/run fails on a skip).
// Where a test lives says what it needs: `src/**/*.test.ts` sit beside the code and need only Node and
// node_modules; `test/**/*.test.ts` boot the server against real peers (SIPp, baresip, Net::SMPP, Chromium,
// PostgreSQL, Debian tools). `--unit` runs only the first kind. Other arguments filter files by substring:
// `node scripts/run-tests.mjs sms`, `node scripts/run-tests.mjs --unit smpp`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => a !== '--unit');

function find(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...find(p));
    else if (entry.name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const dirs = unitOnly ? ['src'] : ['src', 'test'];
const files = dirs
  .flatMap((d) => find(join(root, d)))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
// With no files node --test would fall back to its own glob and run everything.
if (files.length === 0) {
  console.error(`run-tests: no test file matches ${filters.join(' ')}`);
  process.exit(1);
}

// Unit files mostly wait on timers and sockets, so one per core (node's default leaves a core idle) keeps
// the run short; end-to-end files keep node's default, since their peers need the spare core.
const concurrency = unitOnly ? [`--test-concurrency=${Math.max(2, availableParallelism())}`] : [];

const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-timeout=180000',
    ...concurrency,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/summary-reporter.mjs',
    '--test-reporter-destination=stdout',
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
