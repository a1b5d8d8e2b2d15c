// The voice benchmarks' server: `switchboard start` from the TypeScript sources (no build step), the way
// bin/switchboard.js would run it, and the media figures they read from its /metrics.
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { flag, ROOT } from './lib.js';

// Passed through to the server when given: the engine threads' priority boost (--media-priority N) and
// real-time priority (--media-realtime N, 0 for none).
const MEDIA_PRIORITY = flag('media-priority', '');
const MEDIA_REALTIME = flag('media-realtime', '');

export interface VoiceServer {
  url: string;
  sipPort: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startVoiceServer(o: { dir: string; sipPort: number; sid: string; token: string; mediaWorkers: string }): Promise<VoiceServer> {
  // BENCH_PROFILE=<dir>: a CPU profile of each of the server's threads there (written on a clean exit).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  // BENCH_SERVER_NODE_FLAGS='--flag ...': Node and V8 flags for the server alone (for example a GC setting to compare).
  const nodeFlags = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
  // BENCH_SERVER_STDOUT=<file>: the server's standard output there (what V8's --trace-* flags print).
  const stdout = process.env.BENCH_SERVER_STDOUT ? openSync(process.env.BENCH_SERVER_STDOUT, 'w') : 'ignore';
  const child = spawn(
    process.execPath,
    [
      ...profile,
      ...nodeFlags,
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "const { main } = await import('./src/cli.ts'); main(process.argv.slice(1));",
      'start',
      '--port',
      '0',
      '--database-url',
      join(o.dir, 'bench.db'),
      '--sip-port',
      String(o.sipPort),
      '--deterministic',
      '--log-level',
      'warn',
      // The load generators on loopback are the trunk here: trusted (no INVITE rate limit), and no call caps,
      // which the load exceeds.
      '--sip-trusted-sources',
      '127.0.0.1',
      '--max-calls-per-account',
      '0',
      '--max-calls-per-node',
      '0',
      ...(o.mediaWorkers === '' ? [] : ['--media-workers', o.mediaWorkers]),
      ...(MEDIA_PRIORITY === '' ? [] : ['--media-priority', MEDIA_PRIORITY]),
      ...(MEDIA_REALTIME === '' ? [] : ['--media-realtime', MEDIA_REALTIME]),
    ],
    { cwd: ROOT, env: { ...process.env, SWITCHBOARD_ACCOUNT_SID: o.sid, SWITCHBOARD_AUTH_TOKEN: o.token }, stdio: ['ignore', stdout, 'pipe'] },
  );
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`switchboard did not start:\n${err}`)), 60_000);
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err = (err + d).slice(-5000);
      const m = err.match(/running at (http:\/\/\S+)/);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`switchboard exited ${code}:\n${err}`));
    });
  });
  return {
    url,
    sipPort: o.sipPort,
    child,
    stop: () =>
      new Promise((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

/** Media tick lateness histogram, live calls and skipped ticks, from the server's /metrics. */
export async function mediaMetrics(base: string): Promise<{ buckets: Map<number, number>; active: number; skipped: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const buckets = new Map<number, number>();
  for (const m of text.matchAll(/^switchboard_media_tick_lateness_seconds_bucket\{le="([^"]+)"\} (\d+)/gm))
    buckets.set(m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), Number(m[2]));
  const num = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? '0');
  return { buckets, active: num('switchboard_calls_active'), skipped: num('switchboard_media_ticks_skipped_total') };
}
