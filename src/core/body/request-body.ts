import { replaceModel, type BodyFacts } from './body-scan.ts';

/**
 * A request body and its versions, owned in one place: what the client sent, what the log keeps
 * (the filtered text: the original of a filtered secret is never stored) and what goes upstream
 * (filtered, then perhaps with a rewritten model or without signed history).
 */
export class RequestBody {
  private loggedBytes: Buffer;
  private outgoingBytes: Buffer;

  constructor(
    readonly client: Buffer,
    /** What the scanner found in the client's bytes (the model's span among them). */
    readonly facts: BodyFacts,
  ) {
    this.loggedBytes = client;
    this.outgoingBytes = client;
  }

  /** What the request log keeps as the client's body. */
  get logged(): Buffer {
    return this.loggedBytes;
  }

  /** What is sent upstream. */
  get outgoing(): Buffer {
    return this.outgoingBytes;
  }

  /** The filters' result: both the log and the upstream get it. */
  filtered(bytes: Buffer): void {
    this.loggedBytes = bytes;
    this.outgoingBytes = bytes;
  }

  /**
   * The top-level `model` replaced in what goes upstream, every other byte as it was. The scanner's
   * span is used while the bytes are still the client's, so the body is not scanned twice.
   */
  rewriteModel(model: string): boolean {
    const span = this.outgoingBytes === this.client ? this.facts.modelSpan : null;
    const next = span
      ? Buffer.concat([this.client.subarray(0, span[0]), Buffer.from(JSON.stringify(model)), this.client.subarray(span[1])])
      : replaceModel(this.outgoingBytes, model);
    if (!next) return false;
    this.outgoingBytes = next;
    return true;
  }

  /** What was finally sent upstream (signed history dropped, say). */
  sent(bytes: Buffer): void {
    this.outgoingBytes = bytes;
  }

  /** The upstream version when it differs from the logged one (the log keeps both then). */
  get changedForUpstream(): Buffer | null {
    return this.outgoingBytes !== this.loggedBytes ? this.outgoingBytes : null;
  }
}
