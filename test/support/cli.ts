// The real `switchboard` command in a child process, for tests that start, signal and kill it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = join(ROOT, 'test/support/cli-entry.ts');

/** The real `switchboard` command in a child process (from the sources, through tsx, as bin/ runs dist/). */
export class Cli {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly listeners = new Set<() => void>();

  constructor(args: string[], env: Record<string, string> = {}) {
    // Only what the command needs from the environment: no SWITCHBOARD_* leaks in from the test run.
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SWITCHBOARD_')));
    this.child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
      cwd: ROOT,
      env: { ...base, SWITCHBOARD_SIP_PORT: '-1', SWITCHBOARD_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.stdout += d;
      this.wake();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
      this.wake();
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        this.wake();
        resolve(code);
      }),
    );
  }

  private wake(): void {
    for (const l of this.listeners) l();
  }

  /** Waits until `re` matches the given stream's output; fails if the process ends first. */
  async waitFor(re: RegExp, stream: 'stdout' | 'stderr' = 'stderr'): Promise<RegExpMatchArray> {
    for (;;) {
      const m = this[stream].match(re);
      if (m) return m;
      if (this.child.exitCode !== null) assert.fail(`exited ${this.child.exitCode} before ${re}:\n${this.stderr}\n${this.stdout}`);
      await new Promise<void>((resolve) => {
        const l = () => {
          this.listeners.delete(l);
          resolve();
        };
        this.listeners.add(l);
      });
    }
  }

  /** The banner is written at once; `token` is there only on the start that generated it. */
  async banner(): Promise<{ url: string; sid: string; token: string | undefined }> {
    const [, url] = await this.waitFor(/Switchboard is running at (http:\/\/\S+)/);
    const [, sid] = await this.waitFor(/Account SID: (AC[0-9a-f]{32})/);
    const token = /Auth token:\s+(\S+)/.exec(this.stderr)?.[1];
    return { url: url!, sid: sid!, token };
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** Ends the process if a test failed half-way; a no-op once it has exited. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
