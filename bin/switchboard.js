#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm start` / `npm run build`).
import { run } from '../dist/cli.js';

run(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; },
);
