// A page that runs the unmodified @twilio/voice-sdk bundle from npm against a test server, in headless
// Chromium with a fake microphone (a WAV of one tone), and measures what the browser hears (the dominant
// frequency of the call's remote audio, sampled by a WebAudio analyser).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { tone, writeWav } from '../../src/voice/media/index.js';
import { toolMissing } from './tools.js';

const CHROMIUM = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';
const SDK = new URL('../../node_modules/@twilio/voice-sdk/dist/twilio.min.js', import.meta.url).pathname;

/** The probe every test uses (scripts/test-tools.mjs), unless SWITCHBOARD_CHROMIUM names another build. */
export function chromiumMissing(): string | false {
  if (process.env.SWITCHBOARD_CHROMIUM === undefined) return toolMissing('chromium');
  return existsSync(CHROMIUM) ? false : `Chromium is not at ${CHROMIUM} (SWITCHBOARD_CHROMIUM)`;
}

/** Chromium whose microphone plays `micHz` (a WAV looped by Chromium's fake capture device). */
export async function launchWithTone(micHz: number): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-voice-sdk-'));
  const wav = join(dir, `tone-${micHz}.wav`);
  writeFileSync(wav, writeWav(tone(micHz, 10_000, 12_000)));
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`,
      '--allow-loopback-in-peer-connection',
      // The page is fulfilled by Playwright (no address space of its own): Chromium would treat it as public and
      // refuse its WebSocket to loopback.
      '--disable-features=WebRtcHideLocalIpsWithMdns,LocalNetworkAccessChecks',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--disable-dev-shm-usage',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/**
 * The SDK always opens `wss://<chunderw>/signal`; the test server speaks plain HTTP on 127.0.0.1, so the page
 * swaps the scheme before the SDK loads (the SDK takes the WebSocket constructor from the page when it
 * loads). An app on plain-HTTP localhost does the same; over TLS nothing is needed (docs/voice-client.md).
 */
const WS_SHIM = `(() => {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url, protocols) { super(String(url).replace(/^wss:/, 'ws:'), protocols); }
  };
})();`;

/** What the page keeps in `window.t`: the device, the current call, events seen, and the analyser's peaks. */
const HELPERS = `window.t = { events: [], peaks: [], call: null, device: null, incoming: [] };
window.t.register = async () => {
  window.t.device.on('incoming', (call) => {
    window.t.incoming.push(call);
    window.t.listen(call);
  });
  await window.t.device.register();
};
window.t.listen = (call) => {
  window.t.call = call;
  for (const e of ['accept', 'ringing', 'disconnect', 'cancel', 'reject', 'error', 'mute', 'reconnecting', 'reconnected']) {
    call.on(e, (arg) => window.t.events.push({ call: e, code: arg && arg.code }));
  }
  call.on('accept', () => {
    // The remote stream may appear a moment after 'accept'.
    const start = () => {
      const stream = call.getRemoteStream();
      if (!stream) return setTimeout(start, 50);
      try {
        const ctx = new AudioContext();
        const src = ctx.createMediaStreamSource(stream);
        const an = ctx.createAnalyser();
        an.fftSize = 4096;
        src.connect(an);
        const bins = new Float32Array(an.frequencyBinCount);
        const timer = setInterval(() => {
          an.getFloatFrequencyData(bins);
          let best = 0;
          for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
          window.t.peaks.push({ at: Date.now(), hz: Math.round((best * ctx.sampleRate) / an.fftSize), db: bins[best] });
        }, 50);
        call.on('disconnect', () => clearInterval(timer));
      } catch (err) {
        window.t.events.push({ analyser: String(err) });
      }
    };
    start();
  });
};`;

export interface DeviceOptions {
  serverUrl: string;
  token: string;
}

/** A page at the server's origin with the SDK loaded and a Device made (not registered yet). */
export async function sdkPage(browser: Browser, o: DeviceOptions): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(30_000);
  if (process.env.SWITCHBOARD_TEST_DEBUG) page.on('console', (m) => console.log(`[page] ${m.type()}: ${m.text()}`));
  // The page lives on the server's own origin (a secure context on 127.0.0.1); the SDK's default sounds
  // live on Twilio's CDN, which a test must not reach.
  await page.route(`${o.serverUrl}/voice-sdk-test`, (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>voice sdk</title>' }));
  await page.route(/^https:\/\/(sdk|media)\.twilio(cdn)?\.com\//, (r) => r.abort());
  await page.goto(`${o.serverUrl}/voice-sdk-test`);
  await page.addScriptTag({ content: WS_SHIM });
  await page.addScriptTag({ path: SDK });
  await page.addScriptTag({ content: HELPERS });
  const host = new URL(o.serverUrl).host;
  await page.evaluate(
    ({ token, host }) => {
      const w = globalThis as unknown as { Twilio: { Device: new (t: string, o: object) => unknown }; t: { device: unknown; events: unknown[] } };
      const device = new w.Twilio.Device(token, {
        chunderw: host,
        eventgw: host,
        publishEvents: false,
        logLevel: 'warn',
        enableRingingState: true,
        rtcConfiguration: { iceServers: [] },
      }) as { on(e: string, f: (a: { code?: number }) => void): void };
      w.t.device = device;
      for (const e of ['registered', 'unregistered', 'error', 'tokenWillExpire']) {
        device.on(e, (arg) => w.t.events.push({ device: e, code: arg?.code }));
      }
    },
    { token: o.token, host },
  );
  return page;
}

export interface Peak {
  at: number;
  hz: number;
  db: number;
}

/** The share of the analyser's samples (loud enough to be sound) whose peak is within 25 Hz of `hz`. */
export function shareOf(peaks: Peak[], hz: number): number {
  const loud = peaks.filter((p) => p.db > -70);
  if (loud.length === 0) return 0;
  return loud.filter((p) => Math.abs(p.hz - hz) <= 25).length / loud.length;
}
