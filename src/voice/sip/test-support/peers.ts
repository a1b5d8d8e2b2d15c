/**
 * Helpers for end-to-end tests against real peers (SIPp, baresip): free ports, processes that are always
 * killed, bounded waits and temporary directories.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function hasBinary(path: string): boolean {
  return existsSync(path);
}

function tryPort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const udp = createSocket('udp4');
    udp.once('error', () => resolve(null));
    udp.bind(port, '127.0.0.1', () => {
      const chosen = udp.address().port;
      const tcp = createServer();
      tcp.once('error', () => udp.close(() => resolve(null)));
      tcp.listen(chosen, '127.0.0.1', () => tcp.close(() => udp.close(() => resolve(chosen))));
    });
  });
}

/** Whether some process has a UDP socket bound to `port` (Linux /proc/net/udp{,6}; nothing is bound to probe). */
function udpBound(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    // Each line: "sl local_address rem_address ...", local_address as HEXIP:HEXPORT.
    if (text.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(hex.trim()))) return true;
  }
  return false;
}

/**
 * Resolves once a peer (SIPp, baresip) has bound its SIP port, instead of sleeping and hoping it did; bounded.
 * Reads the kernel's socket table rather than trying to bind the port, which could take it from the peer.
 */
export async function waitForUdpListener(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!udpBound(port)) {
    if (Date.now() > until) throw new Error(`nothing listens on UDP port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A port free for both UDP and TCP on 127.0.0.1 right now (the OS picks it). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await tryPort(0);
    if (p) return p;
  }
  throw new Error('no free port');
}

/** `count` consecutive ports that are free right now, from a random spot in a high range. */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + 2 * Math.floor(Math.random() * 19000);
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = (await tryPort(p)) !== null;
    if (ok) return base;
  }
  throw new Error('no free port range');
}

export interface Peer {
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
  kill(): void;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

/** Starts a peer process; its output is kept (bounded) for failure messages. `kill()` is idempotent. */
export function spawnPeer(cmd: string, args: string[], cwd: string): Peer {
  const proc = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString('utf8')).slice(-20000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => {
      live.delete(proc);
      resolve(code);
    });
    proc.once('error', (err) => {
      live.delete(proc);
      out += `\nspawn error: ${err.message}`;
      resolve(-1);
    });
  });
  return {
    proc,
    exited,
    output: () => out,
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}

/** Resolves with fn's first truthy value; rejects after `timeoutMs`. */
export async function waitFor<T>(fn: () => T | null | undefined | false, timeoutMs: number, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 100000; i++) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Rejects if `p` does not settle within `ms`. */
export function within<T>(p: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
