import { useEffect, useState } from 'preact/hooks';
import { nextPath, probe } from '../api.js';
import type { VerifyService } from '../types.js';
import { Notice, When } from '../ui/common.js';

interface ServicesPage { services: VerifyService[]; meta?: { next_page_url: string | null } }

/** Same approach as Calls: the Verify API itself says whether the module runs here. */
export function Verify() {
  const [page, setPage] = useState<ServicesPage | null | undefined>(undefined);
  const [more, setMore] = useState<VerifyService[]>([]);
  useEffect(() => {
    probe<ServicesPage>('/verify/v2/Services?PageSize=50').then((r) => setPage(r && Array.isArray(r.services) ? r : null), () => setPage(null));
  }, []);

  if (page === undefined) return <section aria-busy="true"><h1 tabIndex={-1}>Verify</h1><p>Checking for the Verify module…</p></section>;
  if (page === null) {
    return (
      <section>
        <h1 tabIndex={-1}>Verify</h1>
        <Notice title="Verify is not enabled on this server">
          <p data-testid="verify-notice">Verify services will appear here once the Verify module is enabled.</p>
          <p class="muted">This page reads the Verify API (<code>/verify/v2/Services</code>); it lists services as soon as that API answers.</p>
        </Notice>
      </section>
    );
  }
  const services = [...page.services, ...more];
  const next = nextPath(page);
  return (
    <section aria-labelledby="verify-title">
      <h1 id="verify-title" tabIndex={-1}>Verify</h1>
      {services.length === 0 ? <p>No Verify services yet: create one with <code>client.verify.v2.services.create()</code>.</p> : (
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
        <button type="button" class="secondary" onClick={() => void probe<ServicesPage>(next).then((r) => {
          if (r) { setMore((cur) => [...cur, ...r.services]); setPage({ ...page, meta: r.meta }); }
        })}>Load more</button>
      )}
    </section>
  );
}
