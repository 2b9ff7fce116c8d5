/** The AI CLIs CLP fronts. Each has its own port, config file and API dialect. */
export const SERVICES = ['claude', 'codex', 'gemini'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** What CLP listens on: one port per service, and the dashboard's. */
export type PortName = ServiceName | 'ui';
export type Ports = Record<PortName, number>;

/** No port bound yet. */
export function noPorts(): Ports {
  return { ...(Object.fromEntries(SERVICES.map((s) => [s, 0])) as Record<ServiceName, number>), ui: 0 };
}

/** `claude|codex|gemini`: how usage lines name the choice. */
export const SERVICE_CHOICES = SERVICES.join('|');
/** `claude, codex or gemini`: how messages name it. */
export const SERVICE_WORDS = `${SERVICES.slice(0, -1).join(', ')} or ${SERVICES.at(-1)}`;

export function isServiceName(value: string): value is ServiceName {
  return (SERVICES as readonly string[]).includes(value);
}
