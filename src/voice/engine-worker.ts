/**
 * Entry point of the server's media engine threads: the media engine with Media Streams plugged in
 * (media/ cannot import streams/, so the two meet here, above both).
 */
import { serveEngine } from './media/engine/serve.js';
import { createStreamHub } from './streams/engine/hub.js';

serveEngine(createStreamHub);
