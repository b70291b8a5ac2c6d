/** A record as read from the input, before any check. */
export interface InputRecord {
  /** The record's first line in the file (1-based; a quoted line break makes a record span lines). */
  line: number;
  /** Non-empty cells only, keyed by standard column names (`amount`, `fields.account`…). */
  cells: Record<string, string>;
  malformed?: { code: 'malformed_row'; message: string };
}

/** Which header the input has: this tool's columns, or the MilkyPay dashboard's export. */
export type Layout = 'standard' | 'dashboard';
