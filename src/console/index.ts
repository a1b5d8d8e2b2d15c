import type { FastifyPluginAsync } from 'fastify';
import type { AccountsService } from '../accounts/service.js';
import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import type { SessionAuthenticator } from '../http/server.js';
import type { MessagesService } from '../messaging/service.js';
import type { SettingsRepository } from '../store/repositories/settings.js';
import { ConsoleAuth } from './auth.js';
import type { DashboardSources } from './dashboard.js';
import { ConsoleEvents } from './events.js';
import { consoleApiRoutes } from './routes.js';
import { consoleSoundRoutes } from './sounds.js';
import { consoleStaticRoutes } from './static.js';

export interface ConsoleDeps {
  accounts: AccountsService;
  settings: SettingsRepository;
  events: EventBus;
  messages: MessagesService;
  clock: Clock;
  /** The public base URL; empty until the server listens when none is configured. */
  publicUrl: () => string;
  /** The dashboard's aggregates and the carriers' health (absent: the dashboard answers 404). */
  dashboard?: DashboardSources | undefined;
  /** Where the built console lives (tests may point elsewhere); defaults to dist/console-ui. */
  assetsDir?: string;
}

/** The web console's sign-in and live events; its session cookie is a second way to call the product APIs. */
export async function createConsole(d: ConsoleDeps) {
  const auth = await ConsoleAuth.create({ accounts: d.accounts, settings: d.settings, clock: d.clock, publicUrl: d.publicUrl });
  return {
    auth,
    events: new ConsoleEvents(d.events, auth),
    /** For the HTTP server's auth hook: the principal of a request signed in with the console's cookie. */
    sessionAuth: ((req) => auth.principalFor(req)) satisfies SessionAuthenticator,
    deps: d,
  };
}

export type Console = Awaited<ReturnType<typeof createConsole>>;

/** The web console at /console: static files, its session API and the live event stream. */
export const consolePlugin: FastifyPluginAsync<{ console: Console }> = async (app, { console: ui }) => {
  const d = ui.deps;
  consoleApiRoutes(app, { auth: ui.auth, accounts: d.accounts, messages: d.messages, publicUrl: d.publicUrl, clock: d.clock, dashboard: d.dashboard });
  ui.events.register(app);
  consoleSoundRoutes(app);
  consoleStaticRoutes(app, d.assetsDir);
};
