import type { FastifyPluginAsync } from 'fastify';
import type { AccountsService } from '../../accounts/service.js';
import type { Messaging } from '../../messaging/module.js';
import type { Pricing } from '../../usage/pricing.js';
import { carrierRoutes } from '../resources/carriers/routes.js';
import { messageRoutes } from '../resources/messages/routes.js';
import { messagingServiceRoutes } from '../resources/messaging-services/routes.js';
import { virtualPhoneRoutes } from '../resources/virtual-phones/routes.js';

export interface MessagingPluginOptions {
  accounts: AccountsService;
  messaging: Messaging;
  pricing: Pricing;
  /** --media-auth: /media/ME... needs the owning account's credentials. */
  mediaAuth: boolean;
  /** Carriers are managed by the root account only. */
  rootSid: string;
  origin: () => string;
}

/** Messages and their media, Messaging Services, virtual phones' inboxes, and the Carriers API. */
export const messagingPlugin: FastifyPluginAsync<MessagingPluginOptions> = async (app, o) => {
  messageRoutes(app, o.accounts, o.messaging.service, { mediaAuth: o.mediaAuth, pricing: o.pricing });
  messagingServiceRoutes(app, o.accounts, o.messaging.services, o.origin);
  virtualPhoneRoutes(app, o.messaging.phones, o.origin);
  carrierRoutes(app, o.messaging.carriers, o.rootSid, o.origin);
};
