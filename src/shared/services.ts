/** The two AI CLIs CLP fronts. Each has its own port, config file and API dialect. */
export const SERVICES = ['claude', 'codex'] as const;
export type ServiceName = (typeof SERVICES)[number];

export function isServiceName(value: string): value is ServiceName {
  return (SERVICES as readonly string[]).includes(value);
}
