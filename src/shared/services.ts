/** The AI CLIs CLP fronts. Each has its own port, config file and API dialect. */
export const SERVICES = ['claude', 'codex', 'gemini'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** One value per service, made by `value`. */
export function perService<T>(value: (service: ServiceName) => T): Record<ServiceName, T> {
  return Object.fromEntries(SERVICES.map((s) => [s, value(s)])) as Record<ServiceName, T>;
}

/** The services `used` says are in use; every service while none is (a place that names only those in use still names something). */
export function servicesInUse(used: (service: ServiceName) => boolean): ServiceName[] {
  const inUse = SERVICES.filter(used);
  return inUse.length ? inUse : [...SERVICES];
}

/** What CLP listens on: one port per service, and the dashboard's. */
export const PORT_NAMES = [...SERVICES, 'ui'] as const;
export type PortName = (typeof PORT_NAMES)[number];
export type Ports = Record<PortName, number>;

/** No port bound yet. */
export function noPorts(): Ports {
  return { ...perService(() => 0), ui: 0 };
}

/** `claude|codex|gemini`: how usage lines name the choice. */
export const SERVICE_CHOICES = SERVICES.join('|');
/** `claude, codex or gemini`: how messages name it. */
export const SERVICE_WORDS = `${SERVICES.slice(0, -1).join(', ')} or ${SERVICES.at(-1)}`;

export function isServiceName(value: string): value is ServiceName {
  return (SERVICES as readonly string[]).includes(value);
}
