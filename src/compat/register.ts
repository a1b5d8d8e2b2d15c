import { createRequire } from 'node:module';
import { clientBaseUrl } from '../config/client.js';
import { rewriteTwilioUrl } from './rewrite.js';

/**
 * `node --require switchboard/register app.js` (or --import): patches twilio-node so an app whose code
 * cannot change talks to Switchboard at SWITCHBOARD_URL (default http://127.0.0.1:4242).
 */
interface Patchable { prototype: { request(opts: { uri: string }): Promise<unknown>; __switchboard?: boolean } }

const base = clientBaseUrl();
for (const from of [process.cwd() + '/', import.meta.url]) {
  let RequestClient: Patchable;
  try {
    RequestClient = (createRequire(from)('twilio') as { RequestClient: Patchable }).RequestClient;
  } catch {
    continue;
  }
  const proto = RequestClient.prototype;
  if (!proto.__switchboard) {
    const original = proto.request;
    proto.request = function patched(this: unknown, opts: { uri: string }) {
      return original.call(this, { ...opts, uri: rewriteTwilioUrl(opts.uri, base) });
    };
    proto.__switchboard = true;
  }
}
