import { prettyJson } from './format.ts';
/**
 * Turns a logged response (SSE or JSON, Anthropic Messages or OpenAI Responses/Chat) into blocks a
 * person can read: text, thinking or reasoning summaries, tool calls with their input rebuilt. Pure,
 * so the dashboard and tests share it; whatever cannot be read becomes a warning, never an exception.
 */
export type Block =
  | { kind: 'text'; text: string }
  | { kind: 'thinking'; text: string }
  | { kind: 'tool'; name: string; input: string }
  | { kind: 'error'; text: string };

export interface ResponseView {
  blocks: Block[];
  warnings: string[];
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

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

/** Codex's `shell` calls, as a command line with its options rather than a JSON blob. */
function toolInput(name: string, args: string): string {
  if (name !== 'shell' && name !== 'local_shell') return prettyJson(args);
  try {
    const a = JSON.parse(args) as Obj;
    const cmd = Array.isArray(a.command) ? (a.command as string[]).join(' ') : str(a.command);
    const extra = [
      a.workdir ? `workdir: ${str(a.workdir)}` : '',
      a.timeout_ms ? `timeout: ${String(a.timeout_ms)} ms` : '',
      a.with_escalated_permissions ? 'escalated permissions' : '',
      a.justification ? `why: ${str(a.justification)}` : '',
    ].filter(Boolean);
    return `$ ${cmd}${extra.length ? `\n(${extra.join(', ')})` : ''}`;
  } catch {
    return args;
  }
}

function anthropicContent(content: Obj[], blocks: Block[]): void {
  for (const b of content) {
    if (b.type === 'text') blocks.push({ kind: 'text', text: str(b.text) });
    else if (b.type === 'thinking') blocks.push({ kind: 'thinking', text: str(b.thinking) });
    else if (b.type === 'redacted_thinking') blocks.push({ kind: 'thinking', text: '(redacted thinking)' });
    else if (b.type === 'tool_use' || b.type === 'server_tool_use')
      blocks.push({ kind: 'tool', name: str(b.name), input: JSON.stringify(b.input ?? {}, null, 2) });
  }
}

function responsesItem(item: Obj, blocks: Block[]): void {
  if (item.type === 'message') {
    for (const c of (item.content as Obj[] | undefined) ?? []) if (c.text) blocks.push({ kind: 'text', text: str(c.text) });
  } else if (item.type === 'reasoning') {
    const summary = ((item.summary as Obj[] | undefined) ?? []).map((s) => str(s.text)).join('\n\n');
    blocks.push({ kind: 'thinking', text: summary || (item.encrypted_content ? '(encrypted reasoning)' : '(reasoning)') });
  } else if (item.type === 'function_call' || item.type === 'custom_tool_call') {
    const name = str(item.name);
    blocks.push({ kind: 'tool', name, input: toolInput(name, str(item.arguments) || str(item.input)) });
  } else if (item.type === 'local_shell_call') {
    blocks.push({ kind: 'tool', name: 'local_shell', input: toolInput('local_shell', JSON.stringify(item.action ?? {})) });
  }
}

function fromEvents(events: Array<{ event: string; data: Obj }>, view: ResponseView): void {
  const anthropic = new Map<number, Block & { json?: string }>();
  const done: Obj[] = [];
  let responsesText = '';
  let chatText = '';
  for (const { event, data } of events) {
    const type = str(data.type) || event;
    if (type === 'unreadable') view.warnings.push('an event was not JSON');
    else if (type === 'content_block_start') {
      const b = (data.content_block ?? {}) as Obj;
      const i = Number(data.index);
      if (b.type === 'text') anthropic.set(i, { kind: 'text', text: str(b.text) });
      else if (b.type === 'thinking') anthropic.set(i, { kind: 'thinking', text: str(b.thinking) });
      else if (b.type === 'redacted_thinking') anthropic.set(i, { kind: 'thinking', text: '(redacted thinking)' });
      else if (b.type === 'tool_use' || b.type === 'server_tool_use') anthropic.set(i, { kind: 'tool', name: str(b.name), input: '', json: '' });
    } else if (type === 'content_block_delta') {
      const block = anthropic.get(Number(data.index));
      const d = (data.delta ?? {}) as Obj;
      if (!block) view.warnings.push(`a delta for block ${String(data.index)} that never started`);
      else if (d.type === 'text_delta' && block.kind === 'text') block.text += str(d.text);
      else if (d.type === 'thinking_delta' && block.kind === 'thinking') block.text += str(d.thinking);
      else if (d.type === 'input_json_delta' && block.kind === 'tool') block.json = (block.json ?? '') + str(d.partial_json);
    } else if (type === 'error' || type === 'response.failed') {
      const err = (data.error ?? (data.response as Obj | undefined)?.error ?? {}) as Obj;
      view.blocks.push({ kind: 'error', text: `${str(err.type) || str(err.code) || 'error'}: ${str(err.message)}` });
    } else if (type === 'response.output_item.done') done.push((data.item ?? {}) as Obj);
    else if (type === 'response.output_text.delta') responsesText += str(data.delta);
    else if (Array.isArray(data.choices)) for (const c of data.choices as Obj[]) chatText += str(((c.delta ?? {}) as Obj).content);
  }
  for (const [, block] of [...anthropic].sort((a, b) => a[0] - b[0])) {
    if (block.kind === 'tool') view.blocks.push({ kind: 'tool', name: block.name, input: prettyJson(block.json || '{}') });
    else view.blocks.push(block);
  }
  for (const item of done) responsesItem(item, view.blocks);
  if (!done.length && responsesText) view.blocks.push({ kind: 'text', text: responsesText });
  if (chatText) view.blocks.push({ kind: 'text', text: chatText });
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
      if (Array.isArray(json.choices)) for (const c of json.choices as Obj[]) view.blocks.push({ kind: 'text', text: str(((c.message ?? {}) as Obj).content) });
    } catch {
      view.warnings.push('the response is neither JSON nor SSE');
    }
  }
  if (!view.blocks.length && !view.warnings.length) view.warnings.push('nothing readable in the response');
  return view;
}
