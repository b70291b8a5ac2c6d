/**
 * The dashboard layout's object cells: `key:value;key:value`. Pure.
 */

/**
 * The pairs of a `key:value;key:value` cell, keys and values trimmed, empty pairs skipped,
 * or a message when a part has no `:` or an empty key. A value may itself contain `:`.
 */
export function parseKeyValueCell(cell: string): Array<[key: string, value: string]> | { error: string } {
  const pairs: Array<[string, string]> = [];
  for (const part of cell.split(';')) {
    if (part.trim() === '') continue;
    const colon = part.indexOf(':');
    const key = colon === -1 ? '' : part.slice(0, colon).trim();
    if (key === '') {
      return { error: `${JSON.stringify(part.trim())} is not key:value (write key:value;key:value)` };
    }
    pairs.push([key, part.slice(colon + 1).trim()]);
  }
  return pairs;
}
