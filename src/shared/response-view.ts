import { AnthropicEvents, anthropicContent } from './response-view/anthropic.ts';
import { type Block, type EventReader, type Obj, str } from './response-view/block.ts';
import { ChatEvents, ResponsesEvents, responsesItem } from './response-view/openai.ts';
import { candidateParts, GeminiEvents, geminiParts } from './response-view/gemini.ts';

export type { Block };

/**
 * Turns a logged response (SSE or JSON, Anthropic Messages, OpenAI Responses/Chat or Gemini) into blocks a
 * person can read: text, thinking or reasoning summaries, tool calls with their input rebuilt. Pure,
 * so the dashboard and tests share it; whatever cannot be read becomes a warning, never an exception.
 */
export interface ResponseView {
  blocks: Block[];
  warnings: string[];
}

function sseEvents(body: string): Array<{ event: string; data: Obj }> | null {
  if (!/^(event|data):/m.test(body)) return null;
  const out: Array<{ event: string; data: Obj }> = [];
  for (const raw of body.split(/\r?\n\r?\n/)) {
    let event = 'message';
    const data: string[] = [];
    for (const line of raw.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (!data.length || data.join('') === '[DONE]') continue;
    try {
      out.push({ event, data: JSON.parse(data.join('\n')) as Obj });
    } catch {
      out.push({ event: 'unreadable', data: {} });
    }
  }
  return out;
}

function fromEvents(events: Array<{ event: string; data: Obj }>, view: ResponseView): void {
  const readers: EventReader[] = [new AnthropicEvents(), new ResponsesEvents(), new ChatEvents(), new GeminiEvents()];
  const warn = (w: string) => view.warnings.push(w);
  for (const { event, data } of events) {
    const type = str(data.type) || event;
    if (type === 'unreadable') warn('an event was not JSON');
    else if (type === 'error' || type === 'response.failed' || (type === 'message' && data.error)) {
      const err = (data.error ?? (data.response as Obj | undefined)?.error ?? {}) as Obj;
      view.blocks.push({ kind: 'error', text: `${str(err.type) || str(err.status) || str(err.code) || 'error'}: ${str(err.message)}` });
    } else for (const r of readers) if (r.take(type, data, warn)) break;
  }
  for (const r of readers) r.finish(view.blocks);
}

export function renderResponse(body: string | null): ResponseView {
  const view: ResponseView = { blocks: [], warnings: [] };
  if (!body) return view;
  const events = sseEvents(body);
  if (events) fromEvents(events, view);
  else {
    try {
      const json = JSON.parse(body) as Obj;
      if (json.error) view.blocks.push({ kind: 'error', text: JSON.stringify(json.error) });
      if (Array.isArray(json.content)) anthropicContent(json.content as Obj[], view.blocks);
      if (Array.isArray(json.output)) for (const item of json.output as Obj[]) responsesItem(item, view.blocks);
      const parts = candidateParts(json);
      if (parts) geminiParts(parts, view.blocks);
      if (Array.isArray(json.choices)) for (const c of json.choices as Obj[]) view.blocks.push({ kind: 'text', text: str(((c.message ?? {}) as Obj).content) });
    } catch {
      view.warnings.push('the response is neither JSON nor SSE');
    }
  }
  if (!view.blocks.length && !view.warnings.length) view.warnings.push('nothing readable in the response');
  return view;
}
