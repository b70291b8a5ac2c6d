/** Every target of issue 20 §2 beside its figure, and the README's one speed table built from them. */
import { table } from './format.js';

export interface Verdict {
  /** What is measured, e.g. "CPU per row, product / undici loop, C = 32". */
  what: string;
  /** The figure as printed, e.g. "1.62×". */
  figure: string;
  /** The target as printed, e.g. "≤ 1.5×". */
  target: string;
  /** undefined: not measured in this run (a section skipped, a figure missing); null: a figure with no bound. */
  met: boolean | undefined | null;
  /** Load average (1 min) while it was measured, as printed. */
  load: string;
}

export const atMost = (value: number | undefined, bound: number): boolean | undefined => (value === undefined || !Number.isFinite(value) ? undefined : value <= bound);
export const atLeast = (value: number | undefined, bound: number): boolean | undefined => (value === undefined || !Number.isFinite(value) ? undefined : value >= bound);

export function mark(met: boolean | undefined | null): string {
  if (met === null) return 'figure only';
  return met === undefined ? 'not measured' : met ? 'met' : '**missed**';
}

/** The targets of one section as a table (under the section's own figures). */
export function verdictTable(verdicts: Verdict[]): string {
  return table(['target', 'figure', 'bound', 'load (1 min)', ''], verdicts.map((v) => [v.what, v.figure, v.target, v.load, mark(v.met)]));
}

/** The block the lead pastes into the README's "Speed and memory": one table, the run's date and load. */
export function readmeTable(verdicts: Verdict[], header: string): string {
  return [
    header,
    '',
    table(['target', 'bound', 'figure', 'load (1 min)', ''], verdicts.map((v) => [v.what, v.target, v.figure, v.load, mark(v.met)])),
    '',
  ].join('\n');
}
