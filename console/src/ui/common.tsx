import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { BASE, onLinkClick } from '../router.js';

export function Link(props: { to: string; children: ComponentChildren; class?: string; current?: boolean; label?: string }) {
  return (
    <a
      href={BASE + props.to}
      class={props.class}
      aria-current={props.current ? 'page' : undefined}
      aria-label={props.label}
      onClick={(e) => onLinkClick(e, props.to)}
    >
      {props.children}
    </a>
  );
}

/** Screen readers hear live changes (a new message, a copied snippet) through one polite region. */
export function announce(text: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // A fresh text node after a tick makes repeated identical messages be read again.
  window.setTimeout(() => {
    region.textContent = text;
  }, 30);
}

/** The clipboard API needs a secure context (localhost is one); elsewhere fall back to a selected textarea. */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'offscreen';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export function CopyButton(props: { text: () => string | Promise<string>; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      class="secondary"
      aria-label={props.label}
      onClick={async () => {
        const ok = await copyText(await props.text());
        setDone(ok);
        announce(ok ? 'Copied to the clipboard' : 'Copy failed: select the text and copy it');
        window.setTimeout(() => setDone(false), 2000);
      }}
    >
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

const STATUS_KIND: Record<string, string> = {
  delivered: 'ok',
  received: 'ok',
  sent: 'ok',
  read: 'ok',
  completed: 'ok',
  failed: 'bad',
  undelivered: 'bad',
  canceled: 'bad',
  busy: 'bad',
  'no-answer': 'bad',
};

/** Status as words with a tint: the colour only repeats what the text says. */
export function StatusPill(props: { status: string }) {
  return <span class={`pill pill-${STATUS_KIND[props.status] ?? 'neutral'}`}>{props.status}</span>;
}

/** An HTTP answer, or the error code when there was none (timeout, refused connection). */
export function HttpPill(props: { status: number | null; errorCode: number | null }) {
  const bad = props.errorCode !== null || props.status === null || props.status >= 400;
  const text = props.status !== null ? String(props.status) : 'no response';
  return (
    <span class={`pill pill-${bad ? 'bad' : 'ok'}`}>
      {text}
      {props.errorCode !== null ? ` · ${props.errorCode}` : ''}
    </span>
  );
}

export function Notice(props: { title: string; children: ComponentChildren }) {
  return (
    <section class="notice" aria-labelledby="notice-title">
      <h2 id="notice-title">{props.title}</h2>
      {props.children}
    </section>
  );
}

export function ErrorText(props: { error: string | null }) {
  return props.error ? (
    <p class="error" role="alert">
      {props.error}
    </p>
  ) : null;
}

export function LoadMore(props: { next: string | null; loading: boolean; onClick: () => void; count: number; noun: string }) {
  return (
    <div class="load-more">
      <span class="muted">
        {plural(props.count, props.noun)} shown{props.next ? '' : props.count > 0 ? ', all loaded' : ''}
      </span>
      {props.next && (
        <button type="button" class="secondary" disabled={props.loading} onClick={props.onClick}>
          {props.loading ? 'Loading…' : 'Load older'}
        </button>
      )}
    </div>
  );
}

const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const timeFmt = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const shortFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' });

/**
 * Both API date styles (RFC 2822 and ISO 8601) parse with Date; shown in the reader's locale and zone.
 * `compact` (for logs) drops today's date; the full date is always in the tooltip.
 */
export function When(props: { date: string | null; compact?: boolean }) {
  if (!props.date) return <span class="muted">—</span>;
  const d = new Date(props.date);
  const full = fullFmt.format(d);
  const text = !props.compact ? full : d.toDateString() === new Date().toDateString() ? timeFmt.format(d) : shortFmt.format(d);
  return (
    <time dateTime={d.toISOString()} title={full}>
      {text}
    </time>
  );
}

/** "1 message", "3 messages". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** What each kind of webhook is, in words (the API's `purpose` values). */
export const PURPOSE: Record<string, string> = {
  'sms-status': 'Status callback',
  'sms-inbound': 'Incoming message webhook',
  'sms-action': 'Action URL',
  voice: 'TwiML fetch',
  'voice-action': 'Verb action URL',
  'voice-status': 'Call status callback',
  'recording-status': 'Recording status callback',
};

export function Field(props: { label: ComponentChildren; id: string; children: ComponentChildren; hint?: string }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <small id={`${props.id}-hint`} class="muted">
          {props.hint}
        </small>
      )}
    </div>
  );
}

/** Decodes a form body (or a GET webhook's query) into pairs for display; other bodies stay raw. */
export function formPairs(body: string, url: string): [string, string][] | null {
  const raw = body !== '' ? body : (url.split('?')[1] ?? '');
  if (raw === '' || !/^[^=&\s]+=/.test(raw)) return null;
  return [...new URLSearchParams(raw)];
}
