import { clientBaseUrl } from '../config/client.js';
import { findRequestClients, type RequestClientLike, type RequestOptions } from './request-client.js';
import { rewriteTwilioUrl } from './rewrite.js';

/**
 * A twilio-node httpClient (3.x and up) that sends every request to Switchboard:
 * `twilio(sid, token, { httpClient: httpClient('http://127.0.0.1:4242') })`.
 */
export function httpClient(baseUrl: string = clientBaseUrl(), options?: Record<string, unknown>): RequestClientLike {
  const Base = findRequestClients()[0];
  if (!Base) throw new Error('switchboard: the `twilio` package is not installed in this app');
  const base = baseUrl.replace(/\/$/, '');
  class SwitchboardRequestClient extends Base {
    override request(opts: RequestOptions): Promise<unknown> {
      return super.request({ ...opts, uri: rewriteTwilioUrl(opts.uri, base) });
    }
  }
  return new SwitchboardRequestClient(options);
}
