import type { HangupVerb } from '../../twiml/index.js';
import type { VerbExecutor } from './types.js';

export const executeHangup: VerbExecutor<HangupVerb> = async () => ({ kind: 'hangup' });
