import { prettyJson } from '../format.ts';
import { type Block, type EventReader, type Obj, str } from './block.ts';

/** A Messages `content` array (a whole JSON answer). */
export function anthropicContent(content: Obj[], blocks: Block[]): void {
  for (const b of content) {
    if (b.type === 'text') blocks.push({ kind: 'text', text: str(b.text) });
    else if (b.type === 'thinking') blocks.push({ kind: 'thinking', text: str(b.thinking) });
    else if (b.type === 'redacted_thinking') blocks.push({ kind: 'thinking', text: '(redacted thinking)' });
    else if (b.type === 'tool_use' || b.type === 'server_tool_use')
      blocks.push({ kind: 'tool', name: str(b.name), input: JSON.stringify(b.input ?? {}, null, 2) });
  }
}

/** A Messages stream: blocks started by index, grown by their deltas (tool input as partial JSON). */
export class AnthropicEvents implements EventReader {
  private readonly blocks = new Map<number, Block & { json?: string }>();

  take(type: string, data: Obj, warn: (w: string) => void): boolean {
    if (type === 'content_block_start') {
      const b = (data.content_block ?? {}) as Obj;
      const i = Number(data.index);
      if (b.type === 'text') this.blocks.set(i, { kind: 'text', text: str(b.text) });
      else if (b.type === 'thinking') this.blocks.set(i, { kind: 'thinking', text: str(b.thinking) });
      else if (b.type === 'redacted_thinking') this.blocks.set(i, { kind: 'thinking', text: '(redacted thinking)' });
      else if (b.type === 'tool_use' || b.type === 'server_tool_use') this.blocks.set(i, { kind: 'tool', name: str(b.name), input: '', json: '' });
      return true;
    }
    if (type !== 'content_block_delta') return false;
    const block = this.blocks.get(Number(data.index));
    const d = (data.delta ?? {}) as Obj;
    if (!block) warn(`a delta for block ${String(data.index)} that never started`);
    else if (d.type === 'text_delta' && block.kind === 'text') block.text += str(d.text);
    else if (d.type === 'thinking_delta' && block.kind === 'thinking') block.text += str(d.thinking);
    else if (d.type === 'input_json_delta' && block.kind === 'tool') block.json = (block.json ?? '') + str(d.partial_json);
    return true;
  }

  finish(blocks: Block[]): void {
    for (const [, block] of [...this.blocks].sort((a, b) => a[0] - b[0])) {
      if (block.kind === 'tool') blocks.push({ kind: 'tool', name: block.name, input: prettyJson(block.json || '{}') });
      else blocks.push(block);
    }
  }
}
