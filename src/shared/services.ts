/** The two AI CLIs CLP fronts. Each has its own port, config file and API dialect. */
export const SERVICES = ['claude', 'codex'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The wire dialect a service's clients speak: errors CLP makes itself are written in it. */
export type Dialect = 'anthropic' | 'openai';

export const SERVICE_DIALECT: Record<ServiceName, Dialect> = { claude: 'anthropic', codex: 'openai' };

export function isServiceName(value: string): value is ServiceName {
  return (SERVICES as readonly string[]).includes(value);
}
