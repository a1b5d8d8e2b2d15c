// Builds the browser SDK (video-sdk/src, TypeScript) into ONE ES module, dist/video-sdk/sdk.js, served at
// /video/sdk.js, and copies the demo page beside it. esbuild comes with the dev dependencies (tsx, vite).
// `node video-sdk/build.mjs` runs it; the server also runs it on first request when the sources are newer.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function buildSdk(root = ROOT) {
  const { build } = await import('esbuild');
  const out = join(root, 'dist/video-sdk');
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(root, 'video-sdk/src/index.ts')],
    outfile: join(out, 'sdk.js'),
    bundle: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: '// Switchboard Video SDK: connect(token, options) -> Room, shaped like twilio-video. Source: video-sdk/src.' },
  });
  for (const f of readdirSync(join(root, 'video-sdk/demo'))) copyFileSync(join(root, 'video-sdk/demo', f), join(out, f));
  return join(out, 'sdk.js');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = await buildSdk();
  console.log(`built ${dirname(file)}`);
}
