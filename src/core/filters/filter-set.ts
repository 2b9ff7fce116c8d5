import { WatchedFile, type WatchedState } from '../config/watched-file.ts';
import type { Logger } from '../log.ts';
import type { FilterRule } from './apply.ts';
import { detectorRules, type DetectorName } from './detectors.ts';
import { compileRulesText, type CompiledRule } from './rules.ts';

/**
 * The rules in force: `filter.json` (hot-reloaded; a bad pattern is refused with `path: message` and
 * the previous rules stay) followed by the built-in detectors switched on in settings.
 */
export class FilterSet {
  private readonly file: WatchedFile<CompiledRule[]>;
  private readonly detectors: FilterRule[];
  /** The last list handed out and the file's rules it was made from: the same array until a reload. */
  private combined: { from: readonly FilterRule[]; rules: readonly FilterRule[] } | null = null;

  constructor(path: string, detectors: readonly DetectorName[], log: Logger) {
    this.detectors = detectorRules(detectors);
    this.file = new WatchedFile<CompiledRule[]>(
      path,
      (label, text) => {
        const compiled = compileRulesText(label, text);
        return compiled.ok ? { ok: true, value: compiled.rules } : compiled;
      },
      [],
      (rules, state: WatchedState) => {
        if (state.error) log.warn(`${state.error} (the previous filter rules stay in force)`);
        else log.info(`filters: ${rules.length} rule(s) loaded`);
      },
    );
  }

  rules(): readonly FilterRule[] {
    const fromFile = this.file.value();
    if (!this.detectors.length) return fromFile;
    if (this.combined?.from !== fromFile) this.combined = { from: fromFile, rules: [...fromFile, ...this.detectors] };
    return this.combined.rules;
  }

  state(): WatchedState {
    return this.file.state();
  }

  async start(): Promise<void> {
    await this.file.reload();
    this.file.watch();
  }

  /** Reads the file now (after CLP wrote it), rather than at the next watch event. */
  reload(): Promise<void> {
    return this.file.reload();
  }

  close(): void {
    this.file.close();
  }
}
