/**
 * Twilio's connection overrides: `#ct=..&rt=..&tt=..&rc=..&rp=..&e=..&sni=..` at the end of a webhook URL
 * sets the timeouts and retries of that one URL. Keys, ranges and defaults from
 * https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides. The fragment never goes on the
 * wire (HTTP does not send fragments) and is not part of the signed URL, since the app never sees it.
 */

/** The failures a retry policy names: 4xx/5xx answers, a connection not made (ct), no answer in time (rt). */
export type RetryOn = '4xx' | '5xx' | 'ct' | 'rt';

export interface ConnectionSettings {
  /** ms to establish the TCP connection (Twilio: 5000, 100..10000). */
  connectTimeoutMs: number;
  /** ms from the request sent to the first byte of the answer (Twilio: 15000, 100..15000). */
  readTimeoutMs: number;
  /** ms for every attempt together, retries included (Twilio: 15000, 100..15000). */
  totalTimeoutMs: number;
  /** Retries after the first attempt (Twilio: 1, 0..5). */
  retryCount: number;
  /** Which failures are retried (Twilio: ct). */
  retryOn: ReadonlySet<RetryOn>;
  /** True when the URL set `tt`: running out of it is then 11203 rather than 11205. */
  totalTimeoutSet: boolean;
}

/** An override that was ignored (the default applies instead), with the alert Twilio names for it. */
export interface OverrideProblem {
  alert: 'overrideRetryPolicyInvalid' | 'overrideEdgeInvalid' | 'overrideValueInvalid';
  detail: string;
}

export interface ParsedTarget {
  /** The URL as requested and signed: without the fragment. */
  url: string;
  settings: ConnectionSettings;
  problems: OverrideProblem[];
}

const RANGES = {
  ct: [100, 10_000],
  rt: [100, 15_000],
  tt: [100, 15_000],
  rc: [0, 5],
} as const;

// Twilio's edge locations; we egress from this host whatever the choice, so a valid one is accepted and has no effect.
const EDGES = new Set([
  'ashburn',
  'ashburn-ix',
  'dublin',
  'frankfurt',
  'frankfurt-ix',
  'london-ix',
  'sao-paulo',
  'san-jose-ix',
  'singapore',
  'singapore-ix',
  'sydney',
  'tokyo',
  'umatilla',
]);
const POLICIES = new Set(['4xx', '5xx', 'ct', 'rt', 'all']);

/**
 * Splits a webhook URL into the URL to request and its connection settings. `timeoutMs` is the configured
 * webhook timeout, the default read and total timeout (Twilio's 15 s unless configured otherwise).
 */
export function parseTarget(rawUrl: string, timeoutMs: number): ParsedTarget {
  const hash = rawUrl.indexOf('#');
  const url = hash < 0 ? rawUrl : rawUrl.slice(0, hash);
  const settings: ConnectionSettings = {
    connectTimeoutMs: Math.min(5000, timeoutMs),
    readTimeoutMs: timeoutMs,
    totalTimeoutMs: timeoutMs,
    retryCount: 1,
    retryOn: new Set<RetryOn>(['ct']),
    totalTimeoutSet: false,
  };
  const problems: OverrideProblem[] = [];
  if (hash < 0) return { url, settings, problems };
  const fragment = rawUrl.slice(hash + 1);
  // A fragment that is not key=value pairs is an ordinary page anchor: dropped, nothing else.
  if (!fragment.includes('=')) return { url, settings, problems };
  for (const [key, value] of new URLSearchParams(fragment)) {
    if (key === 'ct' || key === 'rt' || key === 'tt' || key === 'rc') {
      const [min, max] = RANGES[key];
      const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!(n >= min && n <= max)) {
        problems.push({ alert: 'overrideValueInvalid', detail: `${key}=${value} is not a whole number from ${min} to ${max}; the default applies` });
        continue;
      }
      if (key === 'ct') settings.connectTimeoutMs = n;
      else if (key === 'rt') settings.readTimeoutMs = n;
      else if (key === 'tt') {
        settings.totalTimeoutMs = n;
        settings.totalTimeoutSet = true;
      } else settings.retryCount = n;
    } else if (key === 'rp') {
      const items = value.split(',').map((s) => s.trim().toLowerCase());
      const bad = items.filter((i) => !POLICIES.has(i));
      if (bad.length || items.length === 0) {
        problems.push({
          alert: 'overrideRetryPolicyInvalid',
          detail: `rp=${value}: ${bad.join(', ') || 'empty'} is not one of 4xx, 5xx, ct, rt, all; the default (ct) applies`,
        });
        continue;
      }
      settings.retryOn = new Set<RetryOn>(items.includes('all') ? ['4xx', '5xx', 'ct', 'rt'] : (items as RetryOn[]));
    } else if (key === 'e') {
      const bad = value.split(',').filter((e) => !EDGES.has(e.trim().toLowerCase()));
      if (bad.length) problems.push({ alert: 'overrideEdgeInvalid', detail: `e=${value}: ${bad.join(', ')} is not a Twilio edge location; ignored` });
    } else if (key === 'sni') {
      // Node always sends SNI for host names, which is what sni=y asks for; nothing to change.
    }
    // Other keys are not Twilio's overrides: ignored, as the rest of a fragment would be.
  }
  return { url, settings, problems };
}
