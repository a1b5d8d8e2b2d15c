import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { useLive } from '../live.js';
import { useBatcher, usePaged } from '../paged.js';
import type { LiveEvents, Session, WebhookRequest } from '../types.js';
import { announce, Field, HttpPill, Link, LoadMore, ErrorText, When } from '../ui/common.js';
import { WebhookDetail } from './webhook-detail.js';

interface Filters {
  failed: boolean;
  resource: string;
}

/** Every webhook Switchboard sent for the account and what came back, newest first, live. */
export function Inspector(props: { session: Session; selected: string | null }) {
  const [filters, setFilters] = useState<Filters>({ failed: false, resource: '' });
  const url = '/switchboard/v1/WebhookRequests' + query({ Failed: filters.failed ? 'true' : undefined, ResourceSid: filters.resource.trim(), PageSize: '50' });
  const list = usePaged<WebhookRequest>(url, (p) => (p as { webhook_requests: WebhookRequest[] }).webhook_requests);

  const refresh = useBatcher((ids, overflow) => {
    if (overflow) return void list.refreshHead();
    for (const id of ids) {
      api<WebhookRequest>(`/switchboard/v1/WebhookRequests/${id}`).then(
        (w) => {
          list.upsert(w);
          announce(`New webhook request to ${w.url}${w.error_code !== null ? `, failed with ${w.error_code}` : ''}`);
        },
        () => undefined,
      );
    }
  });
  useLive((name, data) => {
    if (name === 'resync') return void list.refreshHead();
    if (name !== 'webhook.request' || !data) return;
    const e = data as LiveEvents['webhook.request'];
    // The event carries enough to apply the filters without fetching records that would be hidden.
    if (filters.failed && e.errorCode === null) return;
    if (filters.resource.trim() && e.resourceSid !== filters.resource.trim()) return;
    refresh(e.sid);
  });

  return (
    <section aria-labelledby="inspector-title">
      <h1 id="inspector-title" tabIndex={-1}>
        Webhook inspector
      </h1>
      <form class="row-form card" aria-label="Filter webhook requests" onSubmit={(e) => e.preventDefault()}>
        <label class="check">
          <input type="checkbox" checked={filters.failed} onChange={(e) => setFilters({ ...filters, failed: (e.target as HTMLInputElement).checked })} />
          Failed only
        </label>
        <Field label="Resource SID" id="f-resource">
          <input
            id="f-resource"
            value={filters.resource}
            placeholder="SM…"
            spellcheck={false}
            onChange={(e) => setFilters({ ...filters, resource: (e.target as HTMLInputElement).value })}
          />
        </Field>
      </form>
      <div class="split">
        <div class="split-list">
          <ErrorText error={list.error} />
          {list.items.length === 0 && !list.loading ? (
            <p>
              No webhook requests yet. Give a number an SMS URL and text it from a <Link to="/phones">virtual phone</Link>.
            </p>
          ) : (
            <ol class="list log" aria-label="Webhook requests, newest first">
              {list.items.map((w) => (
                <li key={w.sid} class={`log-row${w.sid === props.selected ? ' selected' : ''}`} data-sid={w.sid}>
                  <Link
                    to={`/inspector/${w.sid}`}
                    class="log-link"
                    current={w.sid === props.selected}
                    label={`${w.purpose} ${w.method} ${w.url}, ${w.response?.status ?? 'no response'}${w.error_code !== null ? `, error ${w.error_code}` : ''}`}
                  >
                    <span class="log-when">
                      <When date={w.date_created} compact />
                    </span>
                    <span class="log-dir">{w.method}</span>
                    <span class="log-body truncate mono">{w.url}</span>
                    <span class="log-meta">{w.latency_ms !== null ? `${w.latency_ms} ms` : ''}</span>
                    <HttpPill status={w.response?.status ?? null} errorCode={w.error_code} />
                  </Link>
                </li>
              ))}
            </ol>
          )}
          <LoadMore next={list.next} loading={list.loading} onClick={list.loadMore} count={list.items.length} noun="request" />
        </div>
        {props.selected && <WebhookDetail key={props.selected} sid={props.selected} />}
      </div>
    </section>
  );
}
