import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const root = new URL('../../', import.meta.url).pathname;
export const SCREENSHOT_DIR = join(root, 'test-results/screenshots');

/** Debian's chromium package; SWITCHBOARD_CHROMIUM points elsewhere (another distribution's binary). */
const CHROMIUM = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags that keep Chromium off the network (the machine has none, and nothing may be fetched) and fast
 * in a container. Playwright adds --headless and a fresh temporary profile (user-data-dir) per launch.
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The tests drive the built console. `npm run build` builds it; when its sources are newer than the build
 * (or it was never built) this builds it once, so `node scripts/run-tests.mjs console` works on its own.
 */
export function ensureConsoleBuilt(): void {
  const index = join(root, 'dist/console-ui/index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (built >= newest(join(root, 'console'))) return;
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'console/vite.config.ts'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('building the console failed (npx vite build --config console/vite.config.ts)');
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}. The console tests drive Debian's chromium package: ` +
        'run `apt-get install -y chromium` (scripts/ensure.mjs does it for `npm test`), or set SWITCHBOARD_CHROMIUM to a Chromium binary.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 });
}

/** Full-page PNG into test-results/screenshots/ (CI keeps that folder). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `console-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Collects what should never happen on a console page: script errors, CSP refusals, and requests to any
 * host but the ones allowed (the server itself).
 */
export function watchPage(page: Page, allowedOrigins: string[]): { problems: string[] } {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // Chromium logs every non-2xx fetch as an error; the pages expect some (401 before sign-in, 404 probes).
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console error: ${msg.text()}`);
  });
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:')) return;
    // A blob: URL the page made itself from what it fetched (a recording's audio) carries the page's origin.
    if (allowedOrigins.some((o) => url.startsWith(`blob:${o}/`))) return;
    if (!allowedOrigins.some((o) => url.startsWith(`${o}/`))) problems.push(`request to a foreign address: ${url}`);
  });
  return { problems };
}
