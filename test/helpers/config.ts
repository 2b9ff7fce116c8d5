import type { UpstreamConfig } from '../../src/core/config/schema.ts';

/** A parsed config entry with CLP's defaults for every field a test does not name. */
export function upstreamConfig(over: Partial<UpstreamConfig> & { name: string }): UpstreamConfig {
  return {
    baseUrl: `http://${over.name}`,
    authToken: '',
    apiKey: '',
    weight: 0,
    active: false,
    models: [],
    priceMultiplier: 1,
    toolSearch: false,
    contextWindow: null,
    ...over,
  };
}
