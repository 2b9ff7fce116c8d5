import { type Block, type EventReader, type Obj, str } from './block.ts';

/** The parts of a Gemini candidate: text, thought summaries, function calls. */
export function geminiParts(parts: Obj[], blocks: Block[]): void {
  for (const p of parts) {
    if (p.functionCall) {
      const call = p.functionCall as Obj;
      blocks.push({ kind: 'tool', name: str(call.name), input: JSON.stringify(call.args ?? {}, null, 2) });
    } else if (typeof p.text === 'string') blocks.push({ kind: p.thought === true ? 'thinking' : 'text', text: p.text });
  }
}

/** The first candidate's parts of a `GenerateContentResponse` (a whole answer, or one chunk of a stream). */
export function candidateParts(data: Obj): Obj[] | null {
  if (!Array.isArray(data.candidates)) return null;
  return ((((data.candidates as Obj[])[0]?.content as Obj | undefined)?.parts as Obj[] | undefined) ?? []).filter((p) => p && typeof p === 'object');
}

/** A Gemini stream: each chunk's parts, text and thoughts joined as they grew, calls whole. */
export class GeminiEvents implements EventReader {
  private readonly parts: Block[] = [];

  take(_type: string, data: Obj): boolean {
    const parts = candidateParts(data);
    if (!parts) return false;
    const blocks: Block[] = [];
    geminiParts(parts, blocks);
    for (const b of blocks) {
      const last = this.parts.at(-1);
      if (last && (b.kind === 'text' || b.kind === 'thinking') && last.kind === b.kind) last.text += b.text;
      else this.parts.push(b);
    }
    return true;
  }

  finish(blocks: Block[]): void {
    blocks.push(...this.parts);
  }
}
