import { method, optInt, readAttributes, str, url, type AttrTable, type HttpMethod } from '../attrs.js';
import { textContent, textOrElements, unexpectedChild } from '../children.js';
import { schemaFault, type ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';

/** <Task>: the TaskRouter task (JSON attributes) created for the enqueued call. */
export interface EnqueueTask {
  body: string;
  priority: number | null;
  timeout: number | null;
}

export interface EnqueueVerb {
  verb: 'Enqueue';
  /** The queue's name; null when a TaskRouter workflow picks the queue. */
  name: string | null;
  action: string | null;
  method: HttpMethod;
  /** TwiML played while waiting (Play, Say, Pause, Redirect, Leave, Hangup, Gather). */
  waitUrl: string | null;
  waitUrlMethod: HttpMethod;
  workflowSid: string | null;
  maxQueueSize: number | null;
  task: EnqueueTask | null;
}

const attributes: AttrTable<Omit<EnqueueVerb, 'verb' | 'name' | 'task'>> = {
  action: url(),
  method: method(),
  waitUrl: url(),
  waitUrlMethod: method(),
  workflowSid: str(),
  maxQueueSize: optInt(1, 5_000),
};

const taskAttributes: AttrTable<Omit<EnqueueTask, 'body'>> = {
  priority: optInt(0, 2_147_483_647),
  timeout: optInt(1, 31_536_000),
};

export function parseEnqueue(el: XmlElement, ctx: ParseContext): EnqueueVerb {
  const attrs = readAttributes(el, attributes, ctx);
  const { text, elements } = textOrElements(el);
  let task: EnqueueTask | null = null;
  for (const child of elements) {
    if (child.name !== 'Task' || task !== null) throw unexpectedChild(child, el);
    task = { body: textContent(child), ...readAttributes(child, taskAttributes, ctx) };
  }
  if (text === '' && attrs.workflowSid === null) throw schemaFault('<Enqueue> needs a queue name or a workflowSid');
  return { verb: 'Enqueue', name: text === '' ? null : text, ...attrs, task };
}
