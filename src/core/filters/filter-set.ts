import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { ClpError } from '../../shared/errors.ts';
import type { FilterRuleInput } from '../../shared/rules.ts';
import { parseJsonText } from '../config/issues.ts';
import { WatchedFile, type WatchedState } from '../config/watched-file.ts';
import type { Logger } from '../log.ts';
import type { FilterRule } from './apply.ts';
import { detectorRules, type DetectorName } from './detectors.ts';
import { compileRules, compileRulesText, type CompiledRule } from './rules.ts';
import { filterRuleSchema } from './schema.ts';

/**
 * The rules in force: `filter.json` (hot-reloaded; a bad pattern is refused with `path: message` and
 * the previous rules stay) followed by the built-in detectors switched on in settings.
 */
export class FilterSet {
  private readonly file: WatchedFile<CompiledRule[]>;
  private detectors: FilterRule[];
  private detectorList: readonly DetectorName[];
  /** The last list handed out and the file's rules it was made from: the same array until a reload. */
  private combined: { from: readonly FilterRule[]; rules: readonly FilterRule[] } | null = null;

  constructor(path: string, detectors: readonly DetectorName[], log: Logger) {
    this.detectors = detectorRules(detectors);
    this.detectorList = [...detectors];
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

  /** The built-in detectors switched on. */
  detectorNames(): readonly DetectorName[] {
    return this.detectorList;
  }

  /** Switches detectors on and off for the next request (the caller saves the setting). */
  setDetectors(names: readonly DetectorName[]): void {
    this.detectorList = [...names];
    this.detectors = detectorRules(names);
    this.combined = null;
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

  /** The rules as written in the file (for the editor), and the file's error while it is broken. */
  async view(): Promise<{ rules: FilterRuleInput[]; error: string | null }> {
    const text = await readFile(this.file.file, 'utf8').catch(() => '');
    const error = this.file.state().error;
    if (!text.trim()) return { rules: [], error: null };
    const json = parseJsonText(this.file.label, text);
    if (!json.ok) return { rules: [], error: json.error };
    const parsed = z.array(filterRuleSchema).safeParse(Array.isArray(json.value) ? json.value : [json.value]);
    return parsed.success ? { rules: parsed.data, error } : { rules: [], error: error ?? `${this.file.label}: not a list of rules` };
  }

  /** Saves new rules; refused (and nothing written) when one would not compile. */
  async save(rules: FilterRuleInput[]): Promise<void> {
    const compiled = compileRules('rules', rules);
    if (!compiled.ok) throw new ClpError('bad_request', compiled.error);
    await this.file.save(`${JSON.stringify(rules, null, 2)}\n`);
  }

  close(): void {
    this.file.close();
  }
}
