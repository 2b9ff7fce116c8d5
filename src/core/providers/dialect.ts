import type { Dialect } from '../../shared/services.ts';
import { anthropicDialect } from './anthropic.ts';
import type { DialectWriter } from './dialect-writer.ts';
import { openaiDialect } from './openai.ts';

export function dialectWriter(dialect: Dialect): DialectWriter {
  return dialect === 'anthropic' ? anthropicDialect : openaiDialect;
}
