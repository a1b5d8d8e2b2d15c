// Kannel 1.4.5 (Debian `kannel`) for the SMPP benchmark: installed with apt-get when missing, run as
// bearerbox + smsbox with a generated config in a temp folder (the config from shared notes that is known
// to work), loopback only, stopped (and killed if need be) by `stop()`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Kannel {
  sendsmsUrl: string;
  version: string;
  /** bearerbox and smsbox, for CPU accounting. */
  pids: number[];
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (closed again before Kannel binds it; fine on a quiet loopback). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Makes sure bearerbox and smsbox exist (apt-get install kannel); returns the package version or null. */
export function ensureKannel(): string | null {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${Version} is dpkg-query's field syntax, not a template.
  const version = () => spawnSync('dpkg-query', ['-W', '-f=${Version}', 'kannel'], { encoding: 'utf8' });
  if (!existsSync('/usr/sbin/bearerbox') || !existsSync('/usr/sbin/smsbox')) {
    console.log('kannel: not installed, running apt-get install kannel');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env, timeout: 300_000 });
    spawnSync('apt-get', ['install', '-y', '-qq', 'kannel'], { stdio: 'inherit', env, timeout: 300_000 });
  }
  if (!existsSync('/usr/sbin/bearerbox')) return null;
  const v = version();
  return v.status === 0 ? v.stdout.trim() : 'unknown';
}

function config(p: { admin: number; box: number; sendsms: number; smscPort: number; window: number }): string {
  return `group = core
admin-port = ${p.admin}
admin-interface = 127.0.0.1
admin-password = adminpw
admin-allow-ip = "127.0.0.1"
smsbox-port = ${p.box}
smsbox-interface = 127.0.0.1
box-allow-ip = "127.0.0.1"
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = sink
host = 127.0.0.1
port = ${p.smscPort}
transceiver-mode = true
smsc-username = kannel
smsc-password = secret
system-type = ""
max-pending-submits = ${p.window}
msg-id-type = 0x00
source-addr-ton = 1
source-addr-npi = 1
dest-addr-ton = 1
dest-addr-npi = 1

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = ${p.sendsms}
sendsms-interface = 127.0.0.1
global-sender = 15550001111

group = sendsms-user
username = api
password = apipw
concatenation = true
max-messages = 10
`;
}

/** Starts bearerbox + smsbox against an SMSC on `smscPort`; resolves once sendsms accepts connections. */
export async function startKannel(smscPort: number, window: number, version: string): Promise<Kannel> {
  const dir = mkdtempSync(join(tmpdir(), 'kannel-bench-'));
  const [admin, box, sendsms] = [await freePort(), await freePort(), await freePort()];
  const file = join(dir, 'kannel.conf');
  writeFileSync(file, config({ admin, box, sendsms, smscPort, window }));
  const children: ChildProcess[] = [];
  const stderr: string[] = [];
  // -v 4: errors only on stderr, as Switchboard runs at log level warn.
  const run = (bin: string) => {
    const child = spawn(bin, ['-v', '4', file], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 200) stderr.push(d);
    });
    children.push(child);
    return child;
  };
  const stop = async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const t = setTimeout(() => {
              c.kill('SIGKILL');
            }, 5000);
            c.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('/usr/sbin/bearerbox');
    if (!(await waitForPort(box, 15_000))) throw new Error(`bearerbox did not open its smsbox port:\n${stderr.join('')}`);
    run('/usr/sbin/smsbox');
    if (!(await waitForPort(sendsms, 15_000))) throw new Error(`smsbox did not open sendsms:\n${stderr.join('')}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { sendsmsUrl: `http://127.0.0.1:${sendsms}/cgi-bin/sendsms`, version, pids: children.map((c) => c.pid!), stop };
}
