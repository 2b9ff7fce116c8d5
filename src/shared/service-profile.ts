import type { ServiceName } from './services.ts';

/** What every layer needs to know about a service, said once. */
export interface ServiceProfile {
  /** The client, as people call it. */
  label: string;
  /** The API its clients speak (errors CLP makes itself are written in it). */
  dialect: 'anthropic' | 'openai';
  defaultPort: number;
  /** The official API, offered for a new config. */
  defaultBaseUrl: string;
  /**
   * Whether base URLs carry `/v1`: Claude configs do not (Claude Code sends `/v1/messages`), Codex
   * configs do (Codex sends `/responses` under its base), and so does CLP's own URL for Codex.
   */
  v1InBaseUrl: boolean;
  /** The key field a new config gets: how the official API takes its key. */
  keyField: 'api_key' | 'auth_token';
  /** Whether its API counts cache reads inside `input_tokens` (OpenAI does; CLP's `input` never does). */
  inputIncludesCacheReads: boolean;
  /** Whether its models take a reasoning effort (offered in the connectivity test). */
  reasoningEffort: boolean;
}

export const SERVICE_PROFILE: Readonly<Record<ServiceName, ServiceProfile>> = {
  claude: {
    label: 'Claude Code',
    dialect: 'anthropic',
    defaultPort: 3210,
    defaultBaseUrl: 'https://api.anthropic.com',
    v1InBaseUrl: false,
    keyField: 'api_key',
    inputIncludesCacheReads: false,
    reasoningEffort: false,
  },
  codex: {
    label: 'Codex',
    dialect: 'openai',
    defaultPort: 3211,
    defaultBaseUrl: 'https://api.openai.com/v1',
    v1InBaseUrl: true,
    keyField: 'auth_token',
    inputIncludesCacheReads: true,
    reasoningEffort: true,
  },
};

/** The URL a service's clients are pointed at: CLP's port, with `/v1` where the client expects it. */
export function clientUrl(service: ServiceName, host: string, port: number): string {
  return `http://${host}:${port}${SERVICE_PROFILE[service].v1InBaseUrl ? '/v1' : ''}`;
}
