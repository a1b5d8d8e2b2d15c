/** Verify's limits, Twilio's numbers (https://www.twilio.com/docs/verify/api/rate-limits-and-timeouts). */
export const VERIFY_LIMITS = {
  /** Sends of one verification (the first and the re-sends); the next is 60203. */
  maxSends: 5,
  /** Checks of one verification; the next is 60202. */
  maxChecks: 5,
  /** Twilio's code lifetime; it changes it only through support, Switchboard through Switchboard.CodeLifetime. */
  defaultLifetimeSeconds: 600,
  /** Twilio's support allows 2 minutes to 24 hours; Switchboard allows shorter for tests of expiry. */
  minLifetimeSeconds: 1,
  maxLifetimeSeconds: 86_400,
  minCodeLength: 4,
  maxCodeLength: 10,
  defaultCodeLength: 6,
  friendlyNameMax: 30,
} as const;

/** How many attempts to settle a create that keeps racing with other creates for the same To. */
export const CREATE_RETRIES = 8;
