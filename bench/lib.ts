// Shared pieces of the benchmark scripts: machine description, percentiles, a callback receiver, and
// writing a section of docs/benchmarks.md between markers so reruns replace their own figures only.
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Node flags `switchboard` runs with: those on bin/switchboard.js's `#!/usr/bin/env -S node ...` line. */
export const SERVER_NODE_FLAGS = readFileSync(join(ROOT, 'bin/switchboard.js'), 'utf8').split('\n')[0]!.split(' ').slice(3);

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  let os = 'Linux';
  try {
    os = readFileSync('/etc/os-release', 'utf8').match(/PRETTY_NAME="([^"]+)"/)?.[1] ?? os;
  } catch {
    /* not Linux */
  }
  return `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, ${os}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * The p-quantile (0-1) of a histogram in 0.1 ms buckets whose last bucket holds everything from its bound
 * up (the RTP sinks' and drivers' latency and spacing histograms), in ms; 100 when it is empty.
 */
export function histogramQuantileMs(hist: Uint32Array, p: number): number {
  let samples = 0;
  for (const n of hist) samples += n;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i]!;
    if (seen > 0 && seen >= samples * p) return i / 10;
  }
  return 100;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Replaces (or appends) the block between `<!-- bench:NAME -->` markers in docs/benchmarks.md. */
export function writeSection(name: string, markdown: string): void {
  const file = join(ROOT, 'docs/benchmarks.md');
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  let doc = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nEvery figure here was printed by a script in `bench/` (run with `npm run bench:*`) on the machine named with it.\n';
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc = i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, doc);
}

/** An HTTP server on 127.0.0.1 that hands every form-encoded request to `onRequest` and answers 204. */
export async function receiver(onRequest: (path: string, params: URLSearchParams) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      onRequest((req.url ?? '/').split('?')[0]!, new URLSearchParams(Buffer.concat(chunks).toString()));
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export interface RunningSwitchboard {
  url: string;
  sid: string;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `switchboard start` from the compiled build (the way users run it) and reads its banner. The build
 * is brought up to date first: a dist/ older than the sources would measure code that is no longer there.
 */
export async function startSwitchboardProcess(args: string[], env: Record<string, string> = {}): Promise<RunningSwitchboard> {
  execSync('node scripts/ensure.mjs dist', { cwd: ROOT, stdio: 'inherit' });
  // BENCH_PROFILE=<dir> writes a CPU profile of each server process there (on a clean exit).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...profile, join(ROOT, 'bin/switchboard.js'), 'start', ...args], {
    cwd: ROOT,
    env: { ...process.env, SWITCHBOARD_LOG_LEVEL: 'warn', SWITCHBOARD_SIP_PORT: '-1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const banner = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`switchboard did not start:\n${err}`)), 30_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      // The token is shown only when generated; benchmarks that fix it pass SWITCHBOARD_AUTH_TOKEN.
      const m = err.match(/running at (http:\/\/\S+)[\s\S]*Account SID: (AC\w+)\n(?:\s*Auth token:\s+(\S+))?/);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`switchboard exited ${code}:\n${err}`));
    });
  });
  return {
    url: banner[1]!,
    sid: banner[2]!,
    token: banner[3] ?? env.SWITCHBOARD_AUTH_TOKEN ?? '',
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** CPU seconds (user + system, all threads) a process has used so far, from /proc; 0 once it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces) start at state; utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks; USER_HZ is 100 on Linux
  } catch {
    return 0;
  }
}

/** Busy and total CPU seconds of the whole machine so far (all cores), from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

/**
 * A keep-alive HTTP/1.1 client for load loops: node:http with one pooled agent costs the load generator
 * about half the CPU of fetch per request, and the load generator shares the cores with what it measures.
 */
export function loadClient(
  maxSockets: number,
): (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{ status: number; text: string }> {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const body = init.body === undefined ? undefined : Buffer.from(init.body);
      const headers = body ? { ...init.headers, 'content-length': String(body.length) } : init.headers;
      const req = request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
}
