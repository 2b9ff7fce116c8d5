import type { ServiceName } from './services.ts';

/** What every layer needs to know about a service, said once. */
export interface ServiceProfile {
  /** The client, as people call it. */
  label: string;
  /** The API its clients speak (errors CLP makes itself are written in it). */
  dialect: 'anthropic' | 'openai' | 'gemini';
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
  /** The header a config's `api_key` goes in (an `auth_token` always goes as `Authorization: Bearer`). */
  apiKeyHeader: string;
  /** Whether its API counts cache reads inside `input_tokens` (OpenAI does; CLP's `input` never does). */
  inputIncludesCacheReads: boolean;
  /** Whether its models take a reasoning effort (offered in the connectivity test). */
  reasoningEffort: boolean;
  /** Models offered for a connectivity test (any other name can be typed), newest first. */
  testModels: readonly string[];
  /** The client's command, and the npm package it comes in (`clp run`). */
  command: string;
  npmPackage: string;
}

export const SERVICE_PROFILE: Readonly<Record<ServiceName, ServiceProfile>> = {
  claude: {
    label: 'Claude Code',
    dialect: 'anthropic',
    defaultPort: 3210,
    defaultBaseUrl: 'https://api.anthropic.com',
    v1InBaseUrl: false,
    keyField: 'api_key',
    apiKeyHeader: 'x-api-key',
    inputIncludesCacheReads: false,
    reasoningEffort: false,
    testModels: ['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-5-5', 'claude-sonnet-4-6'],
    command: 'claude',
    npmPackage: '@anthropic-ai/claude-code',
  },
  codex: {
    label: 'Codex',
    dialect: 'openai',
    defaultPort: 3211,
    defaultBaseUrl: 'https://api.openai.com/v1',
    v1InBaseUrl: true,
    keyField: 'auth_token',
    apiKeyHeader: 'x-api-key',
    inputIncludesCacheReads: true,
    reasoningEffort: true,
    testModels: ['gpt-5.4', 'gpt-5.1-codex-max', 'gpt-5.1-codex', 'gpt-5.4-mini'],
    command: 'codex',
    npmPackage: '@openai/codex',
  },
  gemini: {
    label: 'Gemini CLI',
    dialect: 'gemini',
    defaultPort: 3212,
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    v1InBaseUrl: false,
    keyField: 'api_key',
    apiKeyHeader: 'x-goog-api-key',
    inputIncludesCacheReads: true,
    reasoningEffort: false,
    testModels: ['gemini-3.5-flash', 'gemini-3.1-pro-preview', 'gemini-3.1-flash-lite'],
    command: 'gemini',
    npmPackage: '@google/gemini-cli',
  },
};

/** The URL a service's clients are pointed at: CLP's port, with `/v1` where the client expects it. */
export function clientUrl(service: ServiceName, host: string, port: number): string {
  return `http://${host}:${port}${SERVICE_PROFILE[service].v1InBaseUrl ? '/v1' : ''}`;
}
