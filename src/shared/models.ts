import type { ServiceName } from './services.ts';

/** Models offered for a connectivity test (any other name can be typed), newest first. */
export const TEST_MODELS: Record<ServiceName, string[]> = {
  claude: ['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-5-5', 'claude-sonnet-4-6'],
  codex: ['gpt-5.4', 'gpt-5.1-codex-max', 'gpt-5.1-codex', 'gpt-5.4-mini'],
};
