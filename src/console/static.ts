import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errors } from '../core/errors.js';

/**
 * Where `vite build` puts the console (see console/vite.config.ts). The same relative path works from
 * src/console (tests under tsx) and dist/console (the built server): both sit two levels below the root.
 */
export const CONSOLE_ASSETS_DIR = fileURLToPath(new URL('../../dist/console-ui/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Same-origin everything, no inline script or style: an injected string cannot run, and the page can reach
 * nothing but this server (the console never needs the internet).
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  // Recordings play from blob: URLs the page makes from what it fetched with its session.
  "media-src 'self' blob:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const COMMON_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

interface Asset {
  body: Buffer;
  type: string;
  immutable: boolean;
}

/** Reads every built file once at start-up: the bundle is small, and requests then never touch the disk. */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir)) return assets;
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) {
        walk(p);
        continue;
      }
      const rel = relative(dir, p).split(sep).join('/');
      // Vite names what it fingerprints under assets/; those never change under the same name.
      assets.set(rel, { body: readFileSync(p), type: TYPES[extname(p)] ?? 'application/octet-stream', immutable: rel.startsWith('assets/') });
    }
  };
  walk(dir);
  return assets;
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Switchboard console</title>
<body><h1>The console is not built</h1><p>Run <code>npm run build</code> (or <code>npm run build:console</code>) and restart Switchboard.</p></body></html>`;

/**
 * Serves the console's static files under /console. Paths that are not files get index.html, so the
 * console's own routes (/console/messages, /console/inspector/WR...) load directly and survive reloads.
 */
export function consoleStaticRoutes(app: FastifyInstance, dir: string = CONSOLE_ASSETS_DIR): void {
  const assets = loadAssets(dir);
  const index = assets.get('index.html');

  const sendIndex = (reply: FastifyReply) => {
    void reply.headers(COMMON_HEADERS).header('cache-control', 'no-cache');
    if (!index) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.type(index.type).send(index.body);
  };

  app.get('/console', async (_req, reply) => sendIndex(reply));
  app.get('/console/*', async (req, reply) => {
    const path = (req.params as { '*': string })['*'];
    // An unknown console API path is an API 404, not the page.
    if (path === 'api' || path.startsWith('api/')) throw errors.resourceNotFound(`/console/${path}`);
    const asset = assets.get(path);
    if (!asset) {
      // A missing fingerprinted file is a stale tab after an upgrade: a 404 lets it fail loudly.
      if (path.startsWith('assets/')) throw errors.resourceNotFound(`/console/${path}`);
      return sendIndex(reply);
    }
    void reply.headers(COMMON_HEADERS).header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.type(asset.type).send(asset.body);
  });
}
