import { LitElement } from 'lit';
import type { Client } from './client.ts';

/**
 * Pages render into the light DOM: one document stylesheet (theme variables, codicons) styles
 * everything, in the webview and in a browser alike.
 */
export class Page extends LitElement {
  static override properties = { client: { attribute: false }, error: { state: true } };
  declare client: Client;
  declare error: string | null;

  constructor() {
    super();
    this.error = null;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** Runs a host call; its failure shows as the page's error line instead of being lost. */
  protected async run<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await work();
      this.error = null;
      return result;
    } catch (err) {
      this.error = (err as Error).message;
      return undefined;
    }
  }
}
