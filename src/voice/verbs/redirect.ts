import type { RedirectVerb } from '../../twiml/index.js';
import type { VerbExecutor } from './types.js';

/** Continues with the document at the URL; the interpreter loops to it instead of recursing. */
export const executeRedirect: VerbExecutor<RedirectVerb> = async (verb, ctl) => {
  const url = ctl.resolve(verb.url);
  if (url === null) {
    await ctl.alert('httpBadHost', `<Redirect> "${verb.url}" is relative and this document has no URL to resolve it against`);
    return { kind: 'hangup' };
  }
  return { kind: 'redirect', url, method: verb.method };
};
