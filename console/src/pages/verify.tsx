import { useEffect, useState } from 'preact/hooks';
import { nextPath, probe } from '../api.js';
import { usePaged } from '../paged.js';
import type { VerifyAttempt, VerifyService } from '../types.js';
import { ErrorText, LoadMore, Notice, When } from '../ui/common.js';

interface ServicesPage {
  services: VerifyService[];
  meta?: { next_page_url: string | null };
}

/** Same approach as Calls: the Verify API itself says whether the module runs here. */
export function Verify() {
  const [page, setPage] = useState<ServicesPage | null | undefined>(undefined);
  const [more, setMore] = useState<VerifyService[]>([]);
  useEffect(() => {
    probe<ServicesPage>('/verify/v2/Services?PageSize=50').then(
      (r) => setPage(r && Array.isArray(r.services) ? r : null),
      () => setPage(null),
    );
  }, []);

  if (page === undefined)
    return (
      <section aria-busy="true">
        <h1 tabIndex={-1}>Verify</h1>
        <p>Checking for the Verify module…</p>
      </section>
    );
  if (page === null) {
    return (
      <section>
        <h1 tabIndex={-1}>Verify</h1>
        <Notice title="Verify is not enabled on this server">
          <p data-testid="verify-notice">Verify services will appear here once the Verify module is enabled.</p>
          <p class="muted">
            This page reads the Verify API (<code>/verify/v2/Services</code>); it lists services as soon as that API answers.
          </p>
        </Notice>
      </section>
    );
  }
  const services = [...page.services, ...more];
  const next = nextPath(page);
  return (
    <section aria-labelledby="verify-title">
      <h1 id="verify-title" tabIndex={-1}>
        Verify
      </h1>
      {services.length === 0 ? (
        <p>
          No Verify services yet: create one with <code>client.verify.v2.services.create()</code>.
        </p>
      ) : (
        <ul class="list" aria-label="Verify services">
          {services.map((s) => (
            <li key={s.sid} class="list-row">
              <span class="grow">{s.friendly_name}</span>
              <span class="mono small">{s.sid}</span>
              <span class="muted">{s.code_length}-digit codes</span>
              <When date={s.date_created} />
            </li>
          ))}
        </ul>
      )}
      {next && (
        <button
          type="button"
          class="secondary"
          onClick={() =>
            void probe<ServicesPage>(next).then((r) => {
              if (r) {
                setMore((cur) => [...cur, ...r.services]);
                setPage({ ...page, meta: r.meta });
              }
            })
          }
        >
          Load more
        </button>
      )}
      <Attempts names={new Map(services.map((s) => [s.sid, s.friendly_name]))} />
    </section>
  );
}

/** Recent codes sent (GET /verify/v2/Attempts), newest first; converted once the verification was approved. */
function Attempts(props: { names: Map<string, string> }) {
  const list = usePaged<VerifyAttempt>('/verify/v2/Attempts?PageSize=50', (p) => (p as { attempts: VerifyAttempt[] }).attempts);
  return (
    <section aria-labelledby="verify-attempts-title">
      <h2 id="verify-attempts-title">Recent attempts</h2>
      <ErrorText error={list.error} />
      {list.items.length === 0 && !list.loading ? (
        <p>No codes sent yet.</p>
      ) : (
        <ol class="list log" aria-label="Verify attempts, newest first">
          {list.items.map((a) => (
            <li key={a.sid} class="log-row" data-sid={a.sid}>
              <div class="log-link">
                <span class="log-when">
                  <When date={a.date_created} compact />
                </span>
                <span class="log-dir">{a.channel.toUpperCase()}</span>
                <span class="mono log-parties">{a.channel_data?.to ?? '—'}</span>
                <span class="log-meta">{props.names.get(a.service_sid) ?? <span class="mono small">{a.service_sid}</span>}</span>
                <span class={a.conversion_status === 'converted' ? 'pill pill-ok' : 'pill'}>{a.conversion_status}</span>
              </div>
            </li>
          ))}
        </ol>
      )}
      <LoadMore next={list.next} loading={list.loading} onClick={() => void list.loadMore()} count={list.items.length} noun="attempt" />
    </section>
  );
}
