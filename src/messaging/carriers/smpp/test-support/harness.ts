/** Test helpers: a test SMSC plus a session wired to it, bounded polling, and a throwaway TLS certificate. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InboundMessage } from '../inbound.js';
import { SmppSession } from '../session.js';
import type { SessionEvent, SessionReceipt, SmppSessionOptions } from '../session.js';
import { TestSmsc } from './smsc.js';
import type { TestSmscOptions } from './smsc.js';

/** Polls `cond` every `stepMs` until true or `timeoutMs` passed; returns the last value. Bounded. */
export async function until(cond: () => boolean, timeoutMs = 5000, stepMs = 10): Promise<boolean> {
  const steps = Math.ceil(timeoutMs / stepMs);
  for (let i = 0; i < steps; i++) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return cond();
}

export interface Rig {
  smsc: TestSmsc;
  session: SmppSession;
  events: SessionEvent[];
  receipts: SessionReceipt[];
  messages: InboundMessage[];
  close(): Promise<void>;
}

/** Fast timers so fault tests finish quickly; every value can be overridden. */
export const FAST: Partial<SmppSessionOptions> = {
  responseTimeoutMs: 300,
  connectTimeoutMs: 1000,
  enquireLinkIntervalMs: 0,
  queueTimeoutMs: 3000,
  reconnect: { initialMs: 20, maxMs: 100 },
  throttleBackoff: { initialMs: 20, maxMs: 100 },
};

export async function startRig(smscOptions: TestSmscOptions = {}, sessionOptions: Partial<SmppSessionOptions> = {}): Promise<Rig> {
  const smsc = new TestSmsc({ systemId: 'esme', password: 'secret', ...smscOptions });
  const port = await smsc.start();
  const events: SessionEvent[] = [];
  const receipts: SessionReceipt[] = [];
  const messages: InboundMessage[] = [];
  const session = new SmppSession({
    host: '127.0.0.1',
    port,
    systemId: 'esme',
    password: 'secret',
    ...FAST,
    onEvent: (e) => events.push(e),
    onReceipt: (r) => {
      receipts.push(r);
    },
    onMessage: (m) => {
      messages.push(m);
    },
    ...sessionOptions,
  });
  session.start();
  return {
    smsc,
    session,
    events,
    receipts,
    messages,
    async close() {
      await session.close();
      await smsc.close();
    },
  };
}

/** A self-signed certificate for 127.0.0.1 made with the openssl CLI, or null when it is missing. */
export function makeTestCertificate(): { key: string; cert: string } | null {
  const dir = mkdtempSync(join(tmpdir(), 'smpp-tls-'));
  try {
    const r = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { timeout: 10_000, stdio: 'ignore' },
    );
    if (r.status !== 0) return null;
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
