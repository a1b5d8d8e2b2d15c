// The package's public API: what apps import (the SDK kit) and what embedders start.
export { httpClient } from './compat/http-client.js';
export { rewriteTwilioUrl } from './compat/rewrite.js';
export { startSwitchboard, type Switchboard } from './main.js';
export { loadConfig } from './config/load.js';
export { computeSignature, validateSignature } from './webhooks/signature.js';
