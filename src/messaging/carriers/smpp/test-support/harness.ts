/** Test helpers: a test SMSC plus a session wired to it, bounded polling, and a test TLS certificate. */
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

/**
 * A self-signed certificate for 127.0.0.1 (P-256, valid 2000 to 2100), fixed so that unit tests need no
 * openssl program. Its key protects nothing but these tests.
 */
export function makeTestCertificate(): { key: string; cert: string } {
  return { key: TEST_KEY, cert: TEST_CERT };
}

const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg8slidZDOV/Xounix
90lMalwrjslF6CYIdCmJ93bzIPyhRANCAAT0butjeJIuRw4qE7fi6v4AEzvbbzI8
C8aJE2XP+DltMZCQd2DIgLGeZIXQIRbJlUnRFNsR+AL2J5jfjtPqYt7a
-----END PRIVATE KEY-----
`;

const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBXDCCAQKgAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAkxMjcuMC4w
LjEwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CTEyNy4wLjAuMTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABPRu62N4ki5HDioT
t+Lq/gATO9tvMjwLxokTZc/4OW0xkJB3YMiAsZ5khdAhFsmVSdEU2xH4AvYnmN+O
0+pi3tqjQzBBMA8GA1UdEQQIMAaHBH8AAAEwDwYDVR0TAQH/BAUwAwEB/zAdBgNV
HQ4EFgQUiIv5VPVr93UtiXnMdeT0uLpBHEkwCgYIKoZIzj0EAwIDSAAwRQIgVJ4G
of3HYuoVZ7Lgr1gHVm9FaD3xSeNttxEHSfu06HgCIQD93NVLlqQeRI9024zBc19S
lIEpCDPuLEaUKN2v4cuIwg==
-----END CERTIFICATE-----
`;
