/** One readable piece of a response: what the detail view shows. */
export type Block =
  | { kind: 'text'; text: string }
  | { kind: 'thinking'; text: string }
  | { kind: 'tool'; name: string; input: string }
  | { kind: 'error'; text: string };

export type Obj = Record<string, unknown>;
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** One API's events, read as they come: `take` says whether the event was its own. */
export interface EventReader {
  take(type: string, data: Obj, warn: (w: string) => void): boolean;
  /** The blocks, once every event was seen. */
  finish(blocks: Block[]): void;
}
