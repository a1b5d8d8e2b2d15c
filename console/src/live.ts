import { useEffect, useRef, useState } from 'preact/hooks';
import type { LiveEvents } from './types.js';

/**
 * One EventSource per tab on /console/api/events. Events are hints that a record changed; pages fetch the
 * record itself. After a dropped connection the server may have sent things we missed, so a reconnect
 * raises `resync` and every page refetches its first page instead of trusting its state.
 */
export type LiveName = keyof LiveEvents | 'resync';
export type LiveStatus = 'connecting' | 'live' | 'offline';
type Listener = <K extends LiveName>(name: K, data: K extends keyof LiveEvents ? LiveEvents[K] : null) => void;

const NAMES: (keyof LiveEvents)[] = ['message.status', 'webhook.request', 'alert', 'call.status', 'queue.member'];

let source: EventSource | null = null;
let status: LiveStatus = 'offline';
let everConnected = false;
const listeners = new Set<Listener>();
const statusListeners = new Set<(s: LiveStatus) => void>();

function setStatus(s: LiveStatus): void {
  status = s;
  for (const l of statusListeners) l(s);
}

function dispatch(name: LiveName, data: unknown): void {
  for (const l of listeners) (l as (n: LiveName, d: unknown) => void)(name, data);
}

export function connectLive(): void {
  disconnectLive();
  everConnected = false;
  setStatus('connecting');
  const es = new EventSource('/console/api/events');
  source = es;
  es.addEventListener('ready', () => {
    if (everConnected) dispatch('resync', null);
    everConnected = true;
    setStatus('live');
  });
  for (const name of NAMES) {
    es.addEventListener(name, (e) => {
      try {
        dispatch(name, JSON.parse((e as MessageEvent<string>).data));
      } catch {
        /* a malformed frame is dropped; the next resync repairs state */
      }
    });
  }
  // The server ends a stream whose session is gone; EventSource would retry forever, so stop here.
  es.addEventListener('session-ended', () => {
    disconnectLive();
    window.dispatchEvent(new Event('switchboard:session-lost'));
  });
  es.onerror = () => {
    if (source === es) setStatus(es.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
  };
}

export function disconnectLive(): void {
  source?.close();
  source = null;
  setStatus('offline');
}

/** Calls `handler` for every live event while the component is mounted; the latest handler always runs. */
export function useLive(handler: Listener): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const l: Listener = (name, data) => ref.current(name, data);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
}

export function useLiveStatus(): LiveStatus {
  const [s, setS] = useState(status);
  useEffect(() => {
    statusListeners.add(setS);
    setS(status);
    return () => void statusListeners.delete(setS);
  }, []);
  return s;
}
