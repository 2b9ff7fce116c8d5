/** A parsed JSON object's fields, read defensively: relays send all kinds of shapes. */
export type Obj = Record<string, unknown>;

/** A finite number, or null. */
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** An object, or an empty one. */
export const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
