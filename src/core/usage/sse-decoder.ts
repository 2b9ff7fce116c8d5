export interface SseEvent {
  /** The `event:` name, or null when the frame had none (Chat Completions, some relays). */
  event: string | null;
  data: string;
}

/**
 * An incremental Server-Sent Events decoder (WHATWG rules): lines end in `\n`, `\r\n` or `\r`, even
 * when the pair is split across chunks; an event ends at a blank line; several `data:` lines join with
 * `\n`; comments (`:`) are skipped. UTF-8 is decoded in streaming mode, so a character split across
 * chunks is never lost. Any re-chunking of the same bytes yields the same events.
 */
export class SseDecoder {
  private readonly decoder = new TextDecoder();
  private partial = '';
  private pendingCR = false;
  private event: string | null = null;
  private data: string[] = [];

  push(chunk: Uint8Array, onEvent: (e: SseEvent) => void): void {
    this.feed(this.decoder.decode(chunk, { stream: true }), onEvent);
  }

  /** Flushes the end of the stream. A last event missing its blank line is still delivered. */
  end(onEvent: (e: SseEvent) => void): void {
    this.feed(this.decoder.decode(), onEvent);
    if (this.partial) this.line(this.partial, onEvent);
    this.partial = '';
    this.dispatch(onEvent);
  }

  private feed(text: string, onEvent: (e: SseEvent) => void): void {
    let s = this.partial + text;
    if (this.pendingCR && s.charCodeAt(0) === 10) s = s.slice(1);
    this.pendingCR = false;
    let start = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(s.slice(start, i), onEvent);
      if (c === 13) {
        if (i + 1 < s.length) {
          if (s.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCR = true;
        }
      }
      start = i + 1;
    }
    this.partial = s.slice(start);
  }

  private line(line: string, onEvent: (e: SseEvent) => void): void {
    if (line === '') return this.dispatch(onEvent);
    if (line.charCodeAt(0) === 58) return; // ':' comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
  }

  private dispatch(onEvent: (e: SseEvent) => void): void {
    if (this.data.length) onEvent({ event: this.event, data: this.data.join('\n') });
    this.event = null;
    this.data = [];
  }
}
