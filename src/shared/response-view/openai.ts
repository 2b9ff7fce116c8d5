import { prettyJson } from '../format.ts';
import { type Block, type EventReader, type Obj, str } from './block.ts';

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

/** One Responses output item (message, reasoning summary, tool call). */
export function responsesItem(item: Obj, blocks: Block[]): void {
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

/** A Responses stream: finished output items, or the text deltas when no item was finished. */
export class ResponsesEvents implements EventReader {
  private readonly done: Obj[] = [];
  private text = '';

  take(type: string, data: Obj): boolean {
    if (type === 'response.output_item.done') this.done.push((data.item ?? {}) as Obj);
    else if (type === 'response.output_text.delta') this.text += str(data.delta);
    else return false;
    return true;
  }

  finish(blocks: Block[]): void {
    for (const item of this.done) responsesItem(item, blocks);
    if (!this.done.length && this.text) blocks.push({ kind: 'text', text: this.text });
  }
}

/** A Chat Completions stream: the content deltas of its choices. */
export class ChatEvents implements EventReader {
  private text = '';

  take(_type: string, data: Obj): boolean {
    if (!Array.isArray(data.choices)) return false;
    for (const c of data.choices as Obj[]) this.text += str(((c.delta ?? {}) as Obj).content);
    return true;
  }

  finish(blocks: Block[]): void {
    if (this.text) blocks.push({ kind: 'text', text: this.text });
  }
}
