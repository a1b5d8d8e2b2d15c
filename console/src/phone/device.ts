/**
 * The console's phone: one official Voice SDK Device per tab (@twilio/voice-sdk, unmodified), registered as
 * `client:console` of the acting account with a short-lived token the server mints for the session
 * (POST /console/api/voice-token). It lives outside the pages so a call survives moving around the console.
 * The SDK is loaded on first use (its own chunk): pages that never use the phone never download it.
 */
import type { Call, Device } from '@twilio/voice-sdk';
import { api } from '../api.js';

export type PhoneStatus = 'off' | 'starting' | 'ready' | 'error';

export interface PhoneCall {
  direction: 'outgoing' | 'incoming';
  /** Who: the dialled To, or the caller's From. */
  peer: string;
  sid: string | null;
  state: 'ringing' | 'connecting' | 'open' | 'closed';
  muted: boolean;
  error: string | null;
}

export interface PhoneState {
  status: PhoneStatus;
  error: string | null;
  identity: string | null;
  /** The call in progress or the last one (kept after it ends so its timeline stays on screen). */
  call: PhoneCall | null;
  /** A call ringing the console, not answered yet. */
  ringing: { from: string; sid: string | null } | null;
}

interface TokenView {
  token: string;
  identity: string;
  account_sid: string;
}

let state: PhoneState = { status: 'off', error: null, identity: null, call: null, ringing: null };
const listeners = new Set<(s: PhoneState) => void>();
let device: Device | null = null;
let current: Call | null = null;
let incoming: Call | null = null;
let accountSid: string | null = null;
let starting: Promise<void> | null = null;
/** Bumped by stopPhone: a registration still loading when the phone was stopped gives up. */
let generation = 0;

function set(patch: Partial<PhoneState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l(state);
}

function setCall(patch: Partial<PhoneCall>): void {
  if (state.call) set({ call: { ...state.call, ...patch } });
}

export function phoneState(): PhoneState {
  return state;
}

export function subscribePhone(l: (s: PhoneState) => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The SDK's sounds from this server (src/console/sounds.ts), not Twilio's CDN. */
const SOUNDS = [
  'incoming',
  'outgoing',
  'disconnect',
  'dtmf0',
  'dtmf1',
  'dtmf2',
  'dtmf3',
  'dtmf4',
  'dtmf5',
  'dtmf6',
  'dtmf7',
  'dtmf8',
  'dtmf9',
  'dtmfs',
  'dtmfh',
];

/**
 * The SDK always opens wss://<chunderw>/signal and takes the WebSocket constructor from the page when its
 * module loads. On plain HTTP (a local Switchboard) the constructor is swapped for one that opens ws://
 * for our own /signal only, while the SDK loads, and put back after (docs/voice-client.md).
 */
async function loadSdk(): Promise<typeof import('@twilio/voice-sdk')> {
  const Native = window.WebSocket;
  if (location.protocol === 'http:') {
    const own = `wss://${location.host}/signal`;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        const u = String(url);
        super(u.startsWith(own) ? `ws:${u.slice(4)}` : u, protocols);
      }
    };
  }
  try {
    return await import('@twilio/voice-sdk');
  } finally {
    window.WebSocket = Native;
  }
}

/** Switchboard learns the browser's address from its ICE checks: no STUN server is needed (or reachable). */
const RTC: RTCConfiguration = { iceServers: [] };

const fetchToken = () => api<TokenView>('/console/api/voice-token', { method: 'POST', json: {} });

/** Registers the console as client:console of the acting account; again after an account switch. */
export function startPhone(forAccount: string): Promise<void> {
  if (accountSid === forAccount && starting) return starting;
  if (device && accountSid === forAccount && state.status !== 'error') return Promise.resolve();
  stopPhone();
  accountSid = forAccount;
  starting = register(forAccount).finally(() => {
    starting = null;
  });
  return starting;
}

async function register(forAccount: string): Promise<void> {
  const mine = generation;
  set({ status: 'starting', error: null });
  try {
    const [{ Device: DeviceClass }, t] = await Promise.all([loadSdk(), fetchToken()]);
    // Signed out or switched account meanwhile.
    if (mine !== generation || accountSid !== forAccount) return;
    // chunderw, eventgw and publishEvents are the SDK's own (undocumented) options: a variable, not a literal,
    // because its published Options type leaves them out.
    const options: Device.Options & { chunderw: string; eventgw: string; publishEvents: boolean } = {
      chunderw: location.host,
      eventgw: location.host,
      publishEvents: false,
      logLevel: 'warn',
      closeProtection: 'A call is in progress in the console phone.',
      sounds: Object.fromEntries(SOUNDS.map((n) => [n, `/console/sounds/${n}.wav`])) as Partial<Record<Device.SoundName, string>>,
    };
    const d = new DeviceClass(t.token, options);
    device = d;
    d.on('registered', () => set({ status: 'ready', identity: t.identity, error: null }));
    d.on('unregistered', () => {
      if (device === d && state.status === 'ready') set({ status: 'starting' });
    });
    d.on('error', (err: { code?: number; message?: string }) => {
      if (device === d && state.status !== 'ready') set({ status: 'error', error: `${err.code ?? ''} ${err.message ?? 'phone error'}`.trim() });
    });
    d.on('tokenWillExpire', () => {
      void fetchToken().then(
        (next) => d.updateToken(next.token),
        () => undefined,
      );
    });
    d.on('incoming', (call: Call) => onIncoming(call));
    await d.register();
  } catch (err) {
    if (mine === generation) set({ status: 'error', error: (err as Error).message });
  }
}

export function stopPhone(): void {
  generation++;
  accountSid = null;
  current?.disconnect();
  device?.destroy();
  device = null;
  current = null;
  incoming = null;
  set({ status: 'off', identity: null, ringing: null, call: null });
}

function watch(call: Call): void {
  current = call;
  const sid = () => call.parameters?.CallSid ?? null;
  call.on('ringing', () => setCall({ sid: sid(), state: 'ringing' }));
  call.on('accept', () => setCall({ sid: sid(), state: 'open' }));
  call.on('mute', (muted: boolean) => setCall({ muted }));
  const end = () => {
    if (current === call) current = null;
    setCall({ sid: sid(), state: 'closed' });
  };
  call.on('disconnect', end);
  call.on('cancel', end);
  call.on('reject', end);
  call.on('error', (err: { code?: number; message?: string }) => setCall({ error: `${err.code ?? ''} ${err.message ?? ''}`.trim() }));
}

function onIncoming(call: Call): void {
  incoming = call;
  const from = call.parameters?.From ?? 'unknown';
  set({ ringing: { from, sid: call.parameters?.CallSid ?? null } });
  const gone = () => {
    if (incoming === call) {
      incoming = null;
      set({ ringing: null });
    }
  };
  call.on('cancel', gone);
  call.on('reject', gone);
  call.on('disconnect', gone);
  call.on('accept', gone);
}

/** Places a call; the browser asks for the microphone now, not before. */
export async function dial(to: string, callerId: string): Promise<void> {
  if (!device || current) return;
  set({ call: { direction: 'outgoing', peer: to, sid: null, state: 'connecting', muted: false, error: null } });
  try {
    const call = await device.connect({ params: { To: to, ...(callerId ? { CallerId: callerId } : {}) }, rtcConfiguration: RTC });
    watch(call);
  } catch (err) {
    setCall({ state: 'closed', error: (err as Error).message });
  }
}

export function answer(): void {
  const call = incoming;
  if (!call || current) return;
  set({
    call: {
      direction: 'incoming',
      peer: call.parameters?.From ?? 'unknown',
      sid: call.parameters?.CallSid ?? null,
      state: 'connecting',
      muted: false,
      error: null,
    },
  });
  watch(call);
  call.accept({ rtcConfiguration: RTC });
}

export function decline(): void {
  incoming?.reject();
}

export function hangup(): void {
  current?.disconnect();
}

export function press(digit: string): void {
  current?.sendDigits(digit);
}

export function toggleMute(): void {
  if (current) current.mute(!current.isMuted());
}
