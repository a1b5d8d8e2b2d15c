import type { FastifyPluginAsync } from 'fastify';
import type { AccountsService } from '../../accounts/service.js';
import type { Numbers } from '../../numbers/module.js';
import { applicationRoutes } from '../resources/applications/routes.js';
import { outgoingCallerIdRoutes } from '../resources/outgoing-caller-ids/routes.js';
import { phoneNumberRoutes } from '../resources/phone-numbers/routes.js';

export interface NumbersPluginOptions {
  accounts: AccountsService;
  numbers: Numbers;
}

/** Applications, IncomingPhoneNumbers and AvailablePhoneNumbers, OutgoingCallerIds. */
export const numbersPlugin: FastifyPluginAsync<NumbersPluginOptions> = async (app, o) => {
  applicationRoutes(app, o.accounts, o.numbers.applications);
  phoneNumberRoutes(app, o.accounts, o.numbers.numbers);
  outgoingCallerIdRoutes(app, o.accounts, o.numbers.callerIds);
};
