import { createRequire } from 'node:module';
import { clientBaseUrl } from '../config/client.js';
import { rewriteTwilioUrl } from './rewrite.js';

interface RequestOptions { uri: string; [key: string]: unknown }
interface RequestClientLike { request(opts: RequestOptions): Promise<unknown> }
type RequestClientClass = new (opts?: Record<string, unknown>) => RequestClientLike;

/** twilio-node as the app sees it: resolved from the app's folder first, then from ours. */
function loadRequestClient(): RequestClientClass {
  for (const from of [process.cwd() + '/', import.meta.url]) {
    try {
      const twilio = createRequire(from)('twilio') as { RequestClient: RequestClientClass };
      return twilio.RequestClient;
    } catch { /* try the next place */ }
  }
  throw new Error('switchboard: the `twilio` package is not installed in this app');
}

/**
 * A twilio-node httpClient that sends every request to Switchboard:
 * `twilio(sid, token, { httpClient: httpClient('http://127.0.0.1:4242') })`.
 */
export function httpClient(baseUrl: string = clientBaseUrl(), options?: Record<string, unknown>): RequestClientLike {
  const Base = loadRequestClient();
  const base = baseUrl.replace(/\/$/, '');
  class SwitchboardRequestClient extends Base {
    override request(opts: RequestOptions): Promise<unknown> {
      return super.request({ ...opts, uri: rewriteTwilioUrl(opts.uri, base) });
    }
  }
  return new SwitchboardRequestClient(options);
}
