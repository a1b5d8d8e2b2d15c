/** Re-sending a request with credentials after a 401/407 challenge (RFC 3261 22.2). */
import { getHeader, getHeaders, removeHeaders } from './message.js';
import type { SipRequest, SipResponse } from './message.js';
import { buildAuthorization, parseChallenge } from './digest.js';
import type { DigestCredentials } from './digest.js';
import { parseCSeq } from './header-values.js';

/**
 * Returns a copy of `req` answering the challenge in `res`, with CSeq set to `seq` and the Via removed
 * (a new branch is added when it is sent), or null when the challenge cannot be answered.
 */
export function authorizeRequest(req: SipRequest, res: SipResponse, credentials: DigestCredentials, seq: number): SipRequest | null {
  const proxy = res.status === 407;
  const challengeName = proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate';
  const answerName = proxy ? 'Proxy-Authorization' : 'Authorization';
  const next: SipRequest = { ...req, headers: req.headers.map((h) => ({ ...h })) };
  removeHeaders(next, 'Via');
  let answered = 0;
  for (const value of getHeaders(res, challengeName)) {
    const challenge = parseChallenge(value);
    if (!challenge) continue;
    if (credentials.realm !== undefined && credentials.realm !== challenge.realm) continue;
    const auth = buildAuthorization({ challenge, credentials, method: req.method, uri: req.uri, body: req.body });
    if (!auth) continue;
    // Drop an older answer for the same realm, keep answers for other proxies on the path.
    next.headers = next.headers.filter((h) => !(h.name === answerName && h.value.includes(`realm="${challenge.realm}"`)));
    next.headers.push({ name: answerName, value: auth });
    answered++;
  }
  if (!answered) return null;
  const cseq = parseCSeq(getHeader(req, 'CSeq') ?? '');
  next.headers = next.headers.map((h) => (h.name === 'CSeq' ? { name: 'CSeq', value: `${seq} ${cseq?.method ?? req.method}` } : h));
  return next;
}
