import { createRequire } from 'node:module';

/** The part of twilio-node's RequestClient that Switchboard relies on, in every major version from 3 on. */
export interface RequestOptions {
  uri: string;
  [key: string]: unknown;
}
export interface RequestClientLike {
  request(opts: RequestOptions): Promise<unknown>;
}
export type RequestClientClass = (new (
  opts?: Record<string, unknown>,
) => RequestClientLike) & {
  prototype: RequestClientLike & { __switchboard?: boolean };
};

/**
 * twilio-node's RequestClient as the app sees it: resolved from the app's folder first, then from ours.
 * twilio-node 3.0 to 3.3x did not export it from the package root (only `lib/base/RequestClient`), later
 * versions do; 4.x and up compile it as an ES module's default export.
 */
export function findRequestClients(): RequestClientClass[] {
  const found: RequestClientClass[] = [];
  for (const from of [process.cwd() + '/', import.meta.url]) {
    const load = createRequire(from);
    let twilio: { RequestClient?: RequestClientClass };
    try {
      twilio = load('twilio') as typeof twilio;
    } catch {
      continue;
    }
    let client = twilio.RequestClient;
    if (client === undefined) {
      try {
        const mod = load('twilio/lib/base/RequestClient') as RequestClientClass | { default: RequestClientClass };
        client = 'default' in mod ? mod.default : mod;
      } catch {
        continue;
      }
    }
    if (!found.includes(client)) found.push(client);
  }
  return found;
}
