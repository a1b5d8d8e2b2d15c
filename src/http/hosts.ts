import { isIP } from 'node:net';

/**
 * Which Host headers the server answers: the defence against DNS rebinding, where a page on
 * attacker.example re-points its own name at 127.0.0.1 and then talks to a loopback install as "same origin".
 * Such requests always carry the attacker's name in Host (browsers do not let pages set it), so a name we do
 * not know is refused. IP literals are always accepted: a browser only sends one when the page itself was
 * loaded from that address, which no other site can arrange; it also keeps health probes by pod IP working.
 */
export interface HostPolicy {
  allows(hostHeader: string | undefined): boolean;
}

export interface HostPolicyInput {
  /** SWITCHBOARD_ALLOWED_HOSTS: comma list of names, `.example.com` or `*.example.com` for subdomains, `*` for any. */
  allowedHosts: string | undefined;
  publicUrl: string | undefined;
  /** The address the API binds to. */
  bindHost: string;
}

export function hostPolicy(input: HostPolicyInput): HostPolicy {
  const exact = new Set(['localhost']);
  const suffixes = ['.localhost'];
  let any = false;
  const add = (entry: string) => {
    const e = entry.trim().toLowerCase().replace(/\.$/, '');
    if (e === '') return;
    if (e === '*') any = true;
    else if (e.startsWith('*.')) suffixes.push(e.slice(1));
    else if (e.startsWith('.')) suffixes.push(e);
    else exact.add(hostnameOf(e));
  };
  for (const entry of (input.allowedHosts ?? '').split(',')) add(entry);
  if (input.publicUrl) {
    try {
      add(new URL(input.publicUrl).hostname);
    } catch {
      /* validated by config */
    }
  }
  add(input.bindHost);
  return {
    allows(header) {
      // HTTP/1.0 clients may omit Host; browsers never do, so there is nothing to rebind.
      if (header === undefined || header === '' || any) return true;
      const name = hostnameOf(header.trim().toLowerCase()).replace(/\.$/, '');
      if (isIP(name.replace(/^\[|\]$/g, '')) !== 0) return true;
      return exact.has(name) || suffixes.some((s) => name.endsWith(s));
    },
  };
}

/** `name:port`, `[v6]:port` or a bare name -> the name (brackets kept for IPv6). */
function hostnameOf(hostPort: string): string {
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    return end > 0 ? hostPort.slice(0, end + 1) : hostPort;
  }
  const colon = hostPort.indexOf(':');
  // More than one colon and no brackets: a bare IPv6 address, not name:port.
  if (colon >= 0 && hostPort.indexOf(':', colon + 1) < 0) return hostPort.slice(0, colon);
  return hostPort;
}
