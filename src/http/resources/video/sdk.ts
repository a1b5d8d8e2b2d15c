import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../../core/errors.js';

/** The package root: four levels up from src/http/resources/video and from dist/http/resources/video alike. */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const OUT = join(ROOT, 'dist/video-sdk');
const SOURCES = [join(ROOT, 'video-sdk/src'), join(ROOT, 'video-sdk/demo')];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

let building: Promise<void> | undefined;

/**
 * `npm run build` makes dist/video-sdk; in a checkout (tests, development) the sources may be newer, and
 * then the SDK is rebuilt once, on the first request, with esbuild (a development dependency).
 */
function ensureBuilt(): Promise<void> {
  building ??= (async () => {
    if (!SOURCES.every((d) => existsSync(d))) return;
    const built = existsSync(join(OUT, 'sdk.js')) ? statSync(join(OUT, 'sdk.js')).mtimeMs : 0;
    if (built >= Math.max(...SOURCES.map(newest))) return;
    const mod = (await import(pathToFileURL(join(ROOT, 'video-sdk/build.mjs')).href)) as { buildSdk(root: string): Promise<string> };
    await mod.buildSdk(ROOT);
  })().finally(() => {
    building = undefined;
  });
  return building;
}

const HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
  // The demo reaches only this server: its API for a token, its WebSocket, and the SDK.
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; media-src 'self' blob: mediastream:; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
};

async function asset(name: string, type: string): Promise<{ body: Buffer; type: string }> {
  await ensureBuilt();
  try {
    return { body: await readFile(join(OUT, name)), type };
  } catch {
    throw errors.resourceNotFound(`/video/${name} (not built: run node video-sdk/build.mjs)`);
  }
}

/** GET /video/sdk.js (the browser SDK, one ES module) and, when enabled, the demo page at /video-demo. */
export function sdkRoutes(app: FastifyInstance, demo: boolean): void {
  app.get('/video/sdk.js', async (_req, reply) => {
    const a = await asset('sdk.js', 'text/javascript; charset=utf-8');
    return reply.headers(HEADERS).type(a.type).send(a.body);
  });
  if (!demo) return;
  app.get('/video-demo', async (_req, reply) => {
    const a = await asset('index.html', 'text/html; charset=utf-8');
    return reply.headers(HEADERS).type(a.type).send(a.body);
  });
  app.get('/video-demo/demo.js', async (_req, reply) => {
    const a = await asset('demo.js', 'text/javascript; charset=utf-8');
    return reply.headers(HEADERS).type(a.type).send(a.body);
  });
}
