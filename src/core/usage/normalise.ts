import type { Usage } from '../../shared/usage.ts';
import { PROVIDERS } from '../providers/registry.ts';

type Obj = Record<string, unknown>;

/** Every provider's usage shapes, in the order they are tried. */
const SHAPES = Object.values(PROVIDERS)
  .flatMap((p) => p.usageShapes)
  .sort((a, b) => a.precedence - b.precedence);

/** Picks the normaliser by the usage object's own field names (relays mix dialects). */
export function normaliseUsage(raw: Obj): Usage | null {
  for (const shape of SHAPES) if (shape.matches(raw)) return shape.read(raw);
  return null;
}
