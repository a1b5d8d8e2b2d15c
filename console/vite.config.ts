import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The console is static files served by Switchboard at /console (src/console/static.ts reads dist/console-ui).
// Preact's JSX goes through Vite's own Oxc transform, so no framework plugin (and no Babel) is needed.
export default defineConfig({
  root: here('.'),
  base: '/console/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../dist/console-ui'),
    emptyOutDir: true,
    // Chromium and Firefox of the last two years; no legacy bundle.
    target: 'es2022',
    // Small enough to read when debugging a user's report; the fingerprinted names make caching safe.
    sourcemap: true,
    // Keep every asset a file: the page's CSP allows no data: scripts or inline styles.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
