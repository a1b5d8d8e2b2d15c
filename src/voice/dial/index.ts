/** <Dial> wired: the noun dialers and the executor, as the call sessions' `dial` dependency. */
import type { CallLifecycle } from '../calls/lifecycle.js';
import type { LiveCall } from '../calls/live.js';
import type { Dialer } from '../calls/dialer.js';
import type { DialRecordings } from './recording.js';
import type { WhisperDeps } from './whisper.js';
import { clientDialer } from './client.js';
import { LegDialer, numberDialer, sipDialer } from './legs.js';
import { runDial, type DialHost, type NounDialers } from './run.js';
import type { DialResult } from './types.js';

export interface DialWiring {
  dialer: Dialer;
  lifecycle: CallLifecycle;
  nodeId: string;
  leaseMs: number;
  sessions: Map<string, LiveCall>;
  isAccountNumber: (accountSid: string, number: string) => Promise<boolean>;
  recordings: DialRecordings;
  /** What a whisper (a noun's url) runs with: webhooks, alerts, recordings. */
  whisper: Omit<WhisperDeps, 'now'>;
  /** A child call ended (the virtual phones forget its notes). */
  onChildEnded: (sid: string) => void;
  onError: (err: unknown) => void;
  /** Nouns served elsewhere (<Queue> by voice/queues/). */
  nouns?: NounDialers;
}

export function createDial(w: DialWiring): (host: DialHost) => Promise<DialResult> {
  const legs = new LegDialer({
    dialer: w.dialer,
    lifecycle: w.lifecycle,
    nodeId: w.nodeId,
    leaseMs: w.leaseMs,
    onError: w.onError,
    whisper: { ...w.whisper, now: () => w.lifecycle.now() },
    recordings: w.recordings,
    register: (child) => w.sessions.set(child.sid, child),
    onEnded: (sid) => {
      w.sessions.delete(sid);
      w.onChildEnded(sid);
    },
  });
  const deps = {
    nouns: { ...w.nouns, Number: numberDialer(legs), Sip: sipDialer(legs), Client: clientDialer(legs) },
    isAccountNumber: w.isAccountNumber,
    recordings: w.recordings,
    now: () => w.lifecycle.now(),
  };
  return (host) => runDial(deps, host);
}

export type { DialHost } from './run.js';
export type { DialResult } from './types.js';
