import type { FastifyPluginAsync } from 'fastify';
import type { Verify } from '../../verify/module.js';
import { lookupRoutes } from '../resources/lookup/routes.js';
import { lookupV1Routes } from '../resources/lookup/v1.js';
import { verifyRoutes } from '../resources/verify/routes.js';

/** Verify v2 (services, verifications, attempts). */
export const verifyPlugin: FastifyPluginAsync<{ verify: Verify; origin: () => string }> = async (app, o) => {
  verifyRoutes(app, o.verify, o.origin);
};

/** Lookup v1 and v2: answered from the number itself (libphonenumber), no outside data source. */
export const lookupPlugin: FastifyPluginAsync<{ origin: () => string }> = async (app, o) => {
  lookupRoutes(app, o.origin);
  lookupV1Routes(app, o.origin);
};
