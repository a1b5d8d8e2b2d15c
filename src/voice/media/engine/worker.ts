/**
 * Entry point of a media engine thread with nothing above the media layer (no Media Streams): the
 * default of MediaEngine. The server's threads start from voice/engine-worker.ts, which adds streams.
 */
import { serveEngine } from './serve.js';

serveEngine();
