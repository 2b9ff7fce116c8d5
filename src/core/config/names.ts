import { ClpError } from '../../shared/errors.ts';

/** A config name that does not exist, said with the names that do (the same words everywhere). */
export function noSuchConfig(label: string, name: string, have: readonly string[]): ClpError {
  return new ClpError('config_not_found', `${label}: no config named "${name}"${have.length ? ` (have: ${have.join(', ')})` : ' (it has none yet)'}`);
}
