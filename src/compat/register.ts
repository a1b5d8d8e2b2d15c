import { clientBaseUrl } from '../config/client.js';
import { findRequestClients } from './request-client.js';
import { rewriteTwilioUrl } from './rewrite.js';

/**
 * `node --require switchboard/register app.js` (or --import): patches twilio-node (3.x and up) so an app
 * whose code cannot change talks to Switchboard at SWITCHBOARD_URL (default http://127.0.0.1:4242).
 */
const base = clientBaseUrl();
for (const RequestClient of findRequestClients()) {
  const proto = RequestClient.prototype;
  if (proto.__switchboard) continue;
  const original = proto.request;
  proto.request = function patched(this: unknown, opts) {
    return original.call(this, { ...opts, uri: rewriteTwilioUrl(opts.uri, base) });
  };
  proto.__switchboard = true;
}
