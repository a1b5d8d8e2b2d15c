import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { errors } from '../../../core/errors.js';
import type { Cursor, Page, PageQuery } from '../../../store/paging.js';
import { dayOf, parseDay } from '../../../usage/periods.js';
import { USAGE_CATEGORIES, type UsageCategory, type UsageService, type UsageView } from '../../../usage/service.js';
import { targetAccount } from '../../context.js';
import { envelope2010, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';
import { presentUsageRecord, SUBRESOURCES } from './presenter.js';

interface Keyed {
  date_created: number;
  sid: string;
}

/** Computed lists page like stored ones: keyset on (date_created, sid), here the period start and category. */
function pageOf<T extends Keyed>(all: readonly T[], q: PageQuery): Page<T> {
  const cmp = (a: Keyed, c: Cursor) => a.date_created - c.dateCreated || (a.sid < c.sid ? -1 : a.sid > c.sid ? 1 : 0);
  const cursor = q.cursor;
  if (!cursor) return { items: all.slice(0, q.pageSize), hasNext: all.length > q.pageSize, hasPrev: false };
  if (cursor.direction === 'next') {
    const rest = all.filter((r) => cmp(r, cursor) > 0);
    return { items: rest.slice(0, q.pageSize), hasNext: rest.length > q.pageSize, hasPrev: true };
  }
  const before = all.filter((r) => cmp(r, cursor) < 0);
  return { items: before.slice(-q.pageSize), hasNext: true, hasPrev: before.length > q.pageSize };
}

function readDay(p: ParamReader, name: string): number | undefined {
  const v = p.str(name);
  if (v === undefined || v === '') return undefined;
  const day = parseDay(v.trim());
  if (day === undefined) throw errors.invalidParameter(name, 'is not a date');
  return day;
}

/** Usage Records (every subresource) and Balance, computed from the account's traffic (see src/usage). */
export function usageRoutes(app: FastifyInstance, accounts: AccountsService, usage: UsageService, currency: string, now: () => number): void {
  const views: UsageView[] = ['Records', ...Object.values(SUBRESOURCES)];
  for (const view of views) {
    const path = `/2010-04-01/Accounts/:AccountSid/Usage/Records${view === 'Records' ? '' : `/${view}`}`;
    app.get(path, async (req) => {
      const account = await targetAccount(req, accounts);
      const params = paramsOf(req);
      const p = new ParamReader(params);
      const page = readPageParams(params);
      const category = p.str('Category');
      // A category Twilio has but Switchboard does not compute (recordings, say) lists nothing.
      const categories: readonly UsageCategory[] =
        category === undefined || category === ''
          ? USAGE_CATEGORIES
          : (USAGE_CATEGORIES as readonly string[]).includes(category)
            ? [category as UsageCategory]
            : [];
      const periods = usage.periods(view, { start: readDay(p, 'StartDate'), end: readDay(p, 'EndDate'), accountFirstDay: dayOf(account.date_created) });
      // Twilio's default: a parent account's usage includes its subaccounts'.
      const scope = { accountSid: account.sid, includeSubaccounts: p.bool('IncludeSubaccounts') ?? true };
      const records = (await usage.records(scope, periods, categories)).map((r) => ({
        ...r,
        date_created: r.period.first,
        sid: String(USAGE_CATEGORIES.indexOf(r.category)).padStart(2, '0'),
      }));
      const base = `/2010-04-01/Accounts/${account.sid}/Usage/Records${view === 'Records' ? '' : `/${view}`}.json`;
      return envelope2010('usage_records', base, params, page, pageOf(records, page), presentUsageRecord(account.sid, view, currency, now()));
    });
  }

  app.get('/2010-04-01/Accounts/:AccountSid/Balance', async (req) => {
    const account = await targetAccount(req, accounts);
    const { balance, currency: unit } = await usage.balance(account.sid);
    return { account_sid: account.sid, balance: balance.toFixed(Math.min(5, Math.max(2, decimals(balance)))), currency: unit };
  });
}

/** Decimals needed to show a rounded (5-place) amount exactly. */
const decimals = (n: number) => (String(n).split('.')[1] ?? '').length;
