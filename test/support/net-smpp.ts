/**
 * Perl's Net::SMPP (Debian libnet-smpp-perl) as an SMSC nobody here wrote: runs net-smpp-smsc.pl, which
 * prints "PORT n" once listening and then one line per event (BIND, SUBMIT, DELIVER_RESP, UNBIND, ...).
 */
import { spawn } from 'node:child_process';
import { toolMissing } from './tools.js';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./net-smpp-smsc.pl', import.meta.url));

/** Why Net::SMPP tests skip, or false when Perl and Net::SMPP are there. */
export const netSmppMissing = toolMissing('net-smpp');

export interface NetSmppSmsc {
  /** Every complete line the script printed so far. */
  readonly lines: string[];
  /** What the script wrote to stderr so far. */
  readonly stderr: string;
  /** The port from the "PORT n" line, once printed. */
  port(): number | undefined;
  /** Kills the script if it is still running and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts the SMSC; it exits by itself on unbind or after maxSeconds. */
export function startNetSmppSmsc(maxSeconds: number): NetSmppSmsc {
  const child = spawn('perl', [script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SMSC_MAX_SECONDS: String(maxSeconds) } });
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    lines,
    get stderr() {
      return stderr;
    },
    port() {
      const line = lines.find((l) => l.startsWith('PORT '));
      return line === undefined ? undefined : Number(line.slice(5));
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
