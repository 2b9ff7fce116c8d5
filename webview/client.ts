import type { AnyRequest, ParamsOf, ResultOf } from '../src/shared/protocol.ts';
import type { Transport } from './transport.ts';

/** Typed calls: the params and result types come from the protocol's definition of each request. */
export class Client {
  constructor(readonly transport: Transport) {}

  call<T extends AnyRequest>(type: T, params: ParamsOf<T>): Promise<ResultOf<T>> {
    return this.transport.request(type.method, params) as Promise<ResultOf<T>>;
  }
}
