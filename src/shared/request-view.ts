import { type Obj, str } from './response-view/block.ts';
import { count } from './format.ts';

/**
 * A logged request body (Anthropic Messages, OpenAI Responses or Chat, Gemini) as a person reads it
 * at a glance: its shape on one line, and the last message with tool calls and results named rather
 * than dumped. Claude Code sends the whole conversation every turn (hundreds of KB): the last message
 * is what the turn asked. Pure; a body that is not JSON (or was cut short by the log) gives null.
 */
export interface RequestView {
  /** `claude-sonnet-4-5, 48 messages (24 user, 24 assistant), system prompt 18,210 characters, 31 tools, stream` */
  summary: string;
  /** The last message: who sent it and what it says. */
  last: { role: string; text: string } | null;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const chars = (n: number) => `${count(n)} ${n === 1 ? 'character' : 'characters'}`;

/** The text of a tool's result, however the API nests it, for its length. */
function resultText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(resultText).join('');
  if (isObj(v)) return str(v.text) || str(v.output) || (v.content !== undefined ? resultText(v.content) : JSON.stringify(v));
  return '';
}

/** One content piece (a block, a part, an item) as text: text as it is, anything else named in brackets. */
function piece(p: Obj): string {
  if (typeof p.text === 'string') return p.thought === true ? '[thinking]' : p.text;
  const type = str(p.type);
  if (type === 'tool_use' || type === 'server_tool_use') return `[tool call: ${str(p.name)}]`;
  if (type === 'tool_result') return `[tool result: ${chars(resultText(p.content).length)}]`;
  if (type === 'function_call' || type === 'custom_tool_call') return `[tool call: ${str(p.name)}]`;
  if (type === 'function_call_output' || type === 'custom_tool_call_output') return `[tool result: ${chars(resultText(p.output).length)}]`;
  if (isObj(p.functionCall)) return `[tool call: ${str(p.functionCall.name)}]`;
  if (isObj(p.functionResponse)) return `[tool result: ${str(p.functionResponse.name)}]`;
  if (type === 'thinking' || type === 'redacted_thinking' || type === 'reasoning') return '[thinking]';
  if (type.includes('image') || isObj(p.inlineData) || isObj(p.fileData)) return '[image or file]';
  return `[${type || 'part'}]`;
}

/** A message's content (a string, blocks or parts) as text. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return objs(content).map(piece).join('\n');
}

/** The conversation as [role, text] pairs, and the system prompt's length, for each API's shape. */
function conversation(json: Obj): { turns: Array<[role: string, text: () => string]>; system: number } {
  if (Array.isArray(json.contents)) {
    // Gemini: contents of parts; the system prompt is systemInstruction's parts.
    const system = isObj(json.systemInstruction) ? contentText(json.systemInstruction.parts).length : 0;
    return { turns: objs(json.contents).map((c) => [str(c.role) || 'user', () => contentText(c.parts)]), system };
  }
  if (json.input !== undefined) {
    // OpenAI Responses: a string, or items (messages, tool calls and their outputs).
    const system = str(json.instructions).length;
    if (typeof json.input === 'string') {
      const input = json.input;
      return { turns: [['user', () => input]], system };
    }
    const turns = objs(json.input).map((item): [string, () => string] => {
      if (item.type === 'message' || (item.type === undefined && item.role !== undefined)) return [str(item.role) || 'user', () => contentText(item.content)];
      const name = str(item.type);
      return [name.endsWith('_output') ? 'tool result' : name.endsWith('call') ? 'tool call' : name || 'item', () => piece(item)];
    });
    return { turns, system };
  }
  // Anthropic Messages and OpenAI Chat: messages with a role and content.
  const system = typeof json.system === 'string' ? json.system.length : contentText(json.system).length;
  return { turns: objs(json.messages).map((m) => [str(m.role) || 'user', () => contentText(m.content)]), system };
}

function toolCount(tools: unknown): number {
  // Gemini groups its functions under functionDeclarations; the others list one tool each.
  return objs(tools).reduce((n, t) => n + (Array.isArray(t.functionDeclarations) ? t.functionDeclarations.length : 1), 0);
}

export function describeRequest(body: string | null): RequestView | null {
  if (!body) return null;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isObj(json)) return null;
  const { turns, system } = conversation(json);
  const roles = new Map<string, number>();
  for (const [role] of turns) roles.set(role, (roles.get(role) ?? 0) + 1);
  const parts = [
    str(json.model) || null,
    `${count(turns.length)} ${turns.length === 1 ? 'message' : 'messages'}${roles.size ? ` (${[...roles].map(([r, n]) => `${count(n)} ${r}`).join(', ')})` : ''}`,
    system ? `system prompt ${chars(system)}` : null,
    toolCount(json.tools) ? `${count(toolCount(json.tools))} ${toolCount(json.tools) === 1 ? 'tool' : 'tools'}` : null,
    json.stream === true ? 'stream' : null,
  ];
  const last = turns.at(-1);
  return { summary: parts.filter(Boolean).join(', '), last: last ? { role: last[0], text: last[1]() } : null };
}

/** The start of a long text, at most `max` characters, and how many were left out (0: all of it). */
export function excerpt(text: string, max: number): { head: string; more: number } {
  return text.length > max ? { head: text.slice(0, max), more: text.length - max } : { head: text, more: 0 };
}
