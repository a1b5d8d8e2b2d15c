import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The one JSON logger of a server: the HTTP layer logs requests through it and every product logs its
 * background failures through it. Credentials in request headers never reach a log line.
 */
export function createLogger(level: string, stream?: NodeJS.WritableStream): Logger {
  const options = { level, redact: ['req.headers.authorization', 'req.headers.cookie'] };
  return stream ? pino(options, stream as pino.DestinationStream) : pino(options);
}
