/**
 * Maps a Twilio API URL to Switchboard: `https://PRODUCT[.edge.region].twilio.com/PATH` becomes
 * `BASE/PRODUCT/PATH`. URLs that are not Twilio's are returned unchanged.
 */
export function rewriteTwilioUrl(uri: string, base: string): string {
  const m = /^https?:\/\/([a-z0-9-]+)(?:\.[a-z0-9-]+)*?\.twilio\.com(?::\d+)?(\/.*)?$/i.exec(uri);
  if (!m) return uri;
  return `${base}/${m[1]!.toLowerCase()}${m[2] ?? '/'}`;
}
