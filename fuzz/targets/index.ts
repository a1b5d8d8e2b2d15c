/** Every fuzz target, in the order the campaign runs them. */
import type { Target } from '../engine.js';
import { form, json } from './http.js';
import { sdp, token, twiml } from './text.js';
import { rtp, sipTcp, sipUdp, smppFramer, smppPdu } from './wire.js';

export const TARGETS: Target[] = [form, json, twiml, sipUdp, sipTcp, sdp, rtp, smppPdu, smppFramer, token];
