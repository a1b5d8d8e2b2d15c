import type { FastifyPluginAsync } from 'fastify';
import type { AccountsService } from '../../accounts/service.js';
import type { IceServerSpec } from '../../traversal/ice-servers.js';
import type { Usage } from '../../usage/module.js';
import type { WebhookLog } from '../../webhooks/log.js';
import type { MonitorService } from '../../webhooks/monitor.js';
import { accountRoutes } from '../resources/accounts/routes.js';
import { inspectorRoutes } from '../resources/inspector/routes.js';
import { keyRoutes } from '../resources/keys/routes.js';
import { monitorRoutes } from '../resources/monitor/routes.js';
import { notificationRoutes } from '../resources/notifications/routes.js';
import { tokenRoutes } from '../resources/tokens/routes.js';
import { usageRoutes } from '../resources/usage/routes.js';

export interface AccountPluginOptions {
  accounts: AccountsService;
  webhookLog: WebhookLog;
  monitor: MonitorService;
  usage: Usage;
  iceServers: readonly IceServerSpec[];
  origin: () => string;
  now: () => number;
}

/** The account itself: Accounts, Keys, Tokens, Usage, and what happened to it (Monitor, Notifications, the webhook inspector). */
export const accountPlugin: FastifyPluginAsync<AccountPluginOptions> = async (app, o) => {
  accountRoutes(app, o.accounts);
  keyRoutes(app, o.accounts);
  tokenRoutes(app, o.accounts, o.iceServers, o.now);
  usageRoutes(app, o.accounts, o.usage.usage, o.usage.pricing.unit, o.now);
  inspectorRoutes(app, o.accounts, o.webhookLog, o.origin);
  monitorRoutes(app, o.monitor, o.origin);
  notificationRoutes(app, o.accounts, o.monitor);
};
