/**
 * A request's cancellation: set once when its client goes away. A plain object rather than an
 * AbortController, whose EventTarget costs several microseconds per request on the hot path.
 */
export class Cancel {
  private reasonValue: Error | null = null;
  private listeners: Array<(reason: Error) => void> | null = null;

  get cancelled(): boolean {
    return this.reasonValue !== null;
  }

  get reason(): Error | null {
    return this.reasonValue;
  }

  /** Cancels once; later calls do nothing. */
  cancel(reason: Error = new Error('cancelled')): void {
    if (this.reasonValue) return;
    this.reasonValue = reason;
    const listeners = this.listeners;
    this.listeners = null;
    if (listeners) for (const fn of listeners) fn(reason);
  }

  /** Calls `fn` on cancellation (at once when already cancelled); returns a function that forgets it. */
  onCancel(fn: (reason: Error) => void): () => void {
    if (this.reasonValue) {
      fn(this.reasonValue);
      return noop;
    }
    (this.listeners ??= []).push(fn);
    return () => {
      const i = this.listeners?.indexOf(fn) ?? -1;
      if (i >= 0) this.listeners!.splice(i, 1);
    };
  }
}

const noop = () => undefined;
