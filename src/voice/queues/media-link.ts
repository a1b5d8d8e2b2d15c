/**
 * Connects the media of two calls that were not placed together: a queued caller and the agent who dials
 * the queue each had their RTP opened wherever there was room, often on different media engine threads,
 * and a bridge relays only within one thread. Then each side is bridged to a relay session opened beside
 * it, and the two relay sessions send each other RTP over loopback UDP: one extra hop per packet through
 * the kernel, no change to the engine, and the relay sessions take only each other's packets (strict RTP
 * accepts the announced address at once).
 */
import type { MediaSession } from '../media/index.js';

export interface MediaLink {
  /** Ends the relay both ways and frees the relay sessions. */
  close(): void;
}

export async function linkMedia(
  a: MediaSession,
  b: MediaSession,
  open: (near: MediaSession) => Promise<MediaSession>,
  loopbackHost: string,
): Promise<MediaLink | null> {
  // Same thread: the ordinary bridge.
  if (a.bridge(b)) return { close: () => void a.bridge(null) };
  const [ra, rb] = await Promise.all([open(a), open(b)]);
  for (const r of [ra, rb]) r.setCodec('PCMU', 101);
  ra.setRemote(loopbackHost, rb.port);
  rb.setRemote(loopbackHost, ra.port);
  const close = (): void => {
    a.bridge(null);
    b.bridge(null);
    void ra.close();
    void rb.close();
  };
  if (!a.bridge(ra) || !b.bridge(rb)) {
    close();
    return null;
  }
  return { close };
}

/** The address relay sessions reach each other on: loopback when RTP binds every interface. */
export function loopbackOf(bindHost: string): string {
  return bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '' ? '127.0.0.1' : bindHost;
}
