import { ANTHROPIC_MODELS } from './anthropic/models.ts';
import type { CatalogueEntry } from './catalogue.ts';
import { OPENAI_MODELS } from './openai/models.ts';

/**
 * Every provider's model catalogue, in one list (each lists its newest models first). Apart from the
 * registry so that the `clp` command can read prices without loading the proxy's providers; the
 * registry's test checks that the two agree.
 */
export const MODELS: readonly CatalogueEntry[] = [...ANTHROPIC_MODELS, ...OPENAI_MODELS];
