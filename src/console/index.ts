import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../accounts/service.js';
import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import { useSessionAuth } from '../http/server.js';
import type { MessagesService } from '../messaging/service.js';
import type { SettingsRepository } from '../store/repositories/settings.js';
import { ConsoleAuth } from './auth.js';
import { ConsoleEvents } from './events.js';
import { consoleApiRoutes } from './routes.js';
import { consoleStaticRoutes } from './static.js';

export interface ConsoleDeps {
  accounts: AccountsService;
  settings: SettingsRepository;
  events: EventBus;
  messages: MessagesService;
  clock: Clock;
  /** The public base URL; empty until the server listens when none is configured. */
  publicUrl: () => string;
  /** Where the built console lives (tests may point elsewhere); defaults to dist/console-ui. */
  assetsDir?: string;
}

/**
 * The web console at /console: static files, its session API, the live event stream, and the session
 * cookie as a second way to authenticate product API calls. main.ts calls this once, before listen.
 */
export async function registerConsole(app: FastifyInstance, d: ConsoleDeps): Promise<void> {
  const auth = await ConsoleAuth.create({ accounts: d.accounts, settings: d.settings, clock: d.clock, publicUrl: d.publicUrl });
  useSessionAuth(app, (req) => auth.principalFor(req));
  consoleApiRoutes(app, { auth, accounts: d.accounts, messages: d.messages, publicUrl: d.publicUrl, clock: d.clock });
  new ConsoleEvents(d.events, auth).register(app);
  consoleStaticRoutes(app, d.assetsDir);
}
