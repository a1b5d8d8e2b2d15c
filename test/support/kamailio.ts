// Debian's kamailio started on loopback with the repository's configuration (deploy/kamailio/), in front of
// Switchboard nodes: the dispatcher list is written for the nodes' SIP ports, probing is made fast.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KAMAILIO = '/usr/sbin/kamailio';
const CONFIG = fileURLToPath(new URL('../../deploy/kamailio/kamailio.cfg', import.meta.url));

export class Kamailio {
  output = '';
  private proc: ChildProcess | null = null;

  constructor(
    readonly dir: string,
    readonly port: number,
    readonly nodes: number[],
    readonly settings: { probeInterval?: number; inviteTimeoutMs?: number } = {},
  ) {}

  async start(): Promise<this> {
    const list = join(this.dir, 'dispatcher.list');
    writeFileSync(list, `${this.nodes.map((p) => `1 sip:127.0.0.1:${p}`).join('\n')}\n`);
    this.proc = spawn(
      KAMAILIO,
      [
        '-f',
        CONFIG,
        '-DD',
        '-E',
        '-l',
        `udp:127.0.0.1:${this.port}`,
        '-Y',
        this.dir,
        '-w',
        this.dir,
        '-m',
        '64',
        '-A',
        `DISPATCHER_LIST="${list}"`,
        '-A',
        `PROBE_INTERVAL=${this.settings.probeInterval ?? 1}`,
        '-A',
        `INVITE_TIMEOUT_MS=${this.settings.inviteTimeoutMs ?? 2000}`,
        '-A',
        'CHILDREN=2',
      ],
      { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (d: Buffer): void => {
      this.output = (this.output + d.toString('utf8')).slice(-50_000);
    };
    this.proc.stdout?.on('data', keep);
    this.proc.stderr?.on('data', keep);
    // Ready once it answers an OPTIONS of its own.
    const deadline = Date.now() + 10_000;
    while (!(await this.keepalive())) {
      if (this.proc.exitCode !== null || Date.now() > deadline) throw new Error(`kamailio did not start:\n${this.output}`);
    }
    return this;
  }

  /** Sends an OPTIONS to Kamailio itself; true when it answers 200. */
  keepalive(): Promise<boolean> {
    return new Promise((resolve) => {
      const s = createSocket('udp4');
      const done = (ok: boolean) => {
        clearTimeout(t);
        s.close();
        resolve(ok);
      };
      const t = setTimeout(() => done(false), 500);
      s.on('message', (m) => done(m.toString().startsWith('SIP/2.0 200')));
      s.on('error', () => done(false));
      s.bind(0, '127.0.0.1', () => {
        const me = s.address().port;
        const msg = [
          `OPTIONS sip:127.0.0.1:${this.port} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${me};branch=z9hG4bK${Math.random().toString(36).slice(2)};rport`,
          'From: <sip:probe@127.0.0.1>;tag=1',
          `To: <sip:127.0.0.1:${this.port}>`,
          `Call-ID: ${Math.random().toString(36).slice(2)}@probe`,
          'CSeq: 1 OPTIONS',
          'Max-Forwards: 70',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
        s.send(msg, this.port, '127.0.0.1');
      });
    });
  }

  /** Each node's dispatcher state as `kamcmd dispatcher.list` shows it (AP: active, IP: inactive; P: probed). */
  states(): Map<string, string> {
    const out = spawnSync('/usr/sbin/kamcmd', ['-s', `unix:${join(this.dir, 'kamailio_ctl')}`, 'dispatcher.list'], { encoding: 'utf8' }).stdout ?? '';
    const states = new Map<string, string>();
    for (const m of out.matchAll(/URI: (\S+)\s+FLAGS: (\S+)/g)) states.set(m[1]!, m[2]!);
    return states;
  }

  /** Stops it (SIGTERM reaches its worker processes through the main one). */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  }
}
