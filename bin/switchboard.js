#!/usr/bin/env -S node --max-semi-space-size=64
// Thin launcher: the compiled CLI lives in dist/ (built by `npm start` / `npm run build`).
// The flag on the line above (a larger young generation: scavenges half as much of the main thread under
// message load, docs/benchmarks.md) is also in package.json's `start` and in what the benchmarks run
// (bench/lib.ts reads it from here); `node bin/switchboard.js` without it works, a little slower.
import { main } from '../dist/cli.js';

main(process.argv.slice(2));
