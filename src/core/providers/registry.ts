import type { ServiceName } from '../../shared/services.ts';
import { anthropicProvider } from './anthropic/provider.ts';
import { openaiProvider } from './openai/provider.ts';
import type { CatalogueEntry } from './catalogue.ts';
import type { Provider } from './provider.ts';

/** The one registration point: which provider serves each service. */
export const PROVIDERS: Readonly<Record<ServiceName, Provider>> = { claude: anthropicProvider, codex: openaiProvider };

export function providerOf(service: ServiceName): Provider {
  return PROVIDERS[service];
}

/** Every provider's model catalogue, in one list (each lists its newest models first). */
export const MODELS: readonly CatalogueEntry[] = Object.values(PROVIDERS).flatMap((p) => p.models);
