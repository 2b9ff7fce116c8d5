import type { CatalogueEntry } from './catalogue.ts';
import { PROVIDERS } from './registry.ts';

/** Every provider's model catalogue, in one list (each lists its newest models first). */
export const MODELS: readonly CatalogueEntry[] = Object.values(PROVIDERS).flatMap((p) => p.models);
