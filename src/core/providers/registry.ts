import type { ServiceName } from '../../shared/services.ts';
import { anthropicProvider } from './anthropic/provider.ts';
import { geminiProvider } from './gemini/provider.ts';
import { openaiProvider } from './openai/provider.ts';
import type { Provider } from './provider.ts';

/** The one registration point: which provider serves each service. */
export const PROVIDERS: Readonly<Record<ServiceName, Provider>> = { claude: anthropicProvider, codex: openaiProvider, gemini: geminiProvider };

export function providerOf(service: ServiceName): Provider {
  return PROVIDERS[service];
}
