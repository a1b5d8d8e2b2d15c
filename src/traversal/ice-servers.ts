import { createHmac } from 'node:crypto';

/**
 * STUN/TURN servers for the Network Traversal Service (2010 Tokens), from `--ice-servers`: a comma list of
 * `stun:host[:port]`, `turn:user:password@host[:port][?transport=udp|tcp]` (static credentials) or
 * `turn::secret@host...` (an empty user: coturn's `use-auth-secret` REST API, which gets short-lived
 * credentials per token, as Twilio's are). `turns:` works like `turn:`.
 */
export type IceServerSpec =
  | { kind: 'stun'; url: string }
  | { kind: 'turn-static'; url: string; username: string; credential: string }
  | { kind: 'turn-secret'; url: string; secret: string };

export interface IceServer {
  url: string;
  urls: string;
  username?: string;
  credential?: string;
}

export class IceServersError extends Error {}

const HOST = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\?transport=(udp|tcp))?$/;

export function parseIceServers(list: string): IceServerSpec[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry) => {
      const m = /^(stun|turns?):(.*)$/.exec(entry);
      if (!m) throw new IceServersError(`${entry}: expected a stun:, turn: or turns: URL`);
      const scheme = m[1]!;
      const rest = m[2]!;
      const at = rest.lastIndexOf('@');
      const address = at >= 0 ? rest.slice(at + 1) : rest;
      if (!HOST.test(address)) throw new IceServersError(`${entry}: expected host[:port][?transport=udp|tcp] after the scheme`);
      const url = `${scheme}:${address}`;
      if (scheme === 'stun') {
        if (at >= 0) throw new IceServersError(`${entry}: STUN servers take no credentials`);
        return { kind: 'stun', url };
      }
      if (at < 0) throw new IceServersError(`${entry}: a TURN server needs credentials (user:password@ or :secret@)`);
      const userinfo = rest.slice(0, at);
      const colon = userinfo.indexOf(':');
      if (colon < 0) throw new IceServersError(`${entry}: credentials are user:password (or :secret for a shared secret)`);
      const user = decodeURIComponent(userinfo.slice(0, colon));
      const password = decodeURIComponent(userinfo.slice(colon + 1));
      if (password === '') throw new IceServersError(`${entry}: the password or secret is empty`);
      return user === '' ? { kind: 'turn-secret', url, secret: password } : { kind: 'turn-static', url, username: user, credential: password };
    });
}

/** The servers a token hands out; shared-secret TURN gets `expiry:accountSid` and its HMAC-SHA1, valid for ttl. */
export function iceServersFor(specs: readonly IceServerSpec[], accountSid: string, nowMs: number, ttlSeconds: number): IceServer[] {
  return specs.map((s) => {
    if (s.kind === 'stun') return { url: s.url, urls: s.url };
    if (s.kind === 'turn-static') return { url: s.url, urls: s.url, username: s.username, credential: s.credential };
    const username = `${Math.floor(nowMs / 1000) + ttlSeconds}:${accountSid}`;
    return { url: s.url, urls: s.url, username, credential: createHmac('sha1', s.secret).update(username).digest('base64') };
  });
}
