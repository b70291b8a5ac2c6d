/**
 * How a header cell is matched to a column: case, and the difference between spaces, `_` and
 * `-`, do not matter (`Reference ID` is `reference_id`). Pure.
 */
import { closest } from '../did-you-mean.js';

/** A typo is at most this many edits from what was meant (SPEC §4). */
const TYPO_EDITS = 2;

function normalSegment(segment: string): string {
  return segment.trim().toLowerCase().replace(/[\s_-]+/g, '_');
}

/**
 * The column `raw` names. Under a prefix whose keys the user chooses (`metadata.`, `context.`…),
 * only the prefix is matched: the key is sent as written.
 */
export function canonicalColumn(raw: string, keepKeyPrefixes: readonly string[]): string {
  const segments = raw.trim().split('.');
  const normal = segments.map(normalSegment);
  const joined = normal.join('.');
  for (const prefix of keepKeyPrefixes) {
    const depth = prefix.split('.').length - 1; // 'customer.metadata.' is 2 segments deep
    if (normal.length > depth && joined.startsWith(prefix)) {
      return [...normal.slice(0, depth), ...segments.slice(depth).map((s) => s.trim())].join('.');
    }
  }
  return joined;
}

/**
 * The known column an unknown `name` (canonical) is a typo of, if any: within two edits of a
 * fixed column, or of the same key under a known prefix (`feilds.account` -> `fields.account`).
 * A column the header already has is never the one meant.
 */
export function typoOf(name: string, fixed: Iterable<string>, prefixes: readonly string[], present: ReadonlySet<string>): string | undefined {
  const candidates = new Set<string>();
  for (const c of fixed) if (!present.has(c)) candidates.add(c);
  const segments = name.split('.');
  for (const prefix of prefixes) {
    const depth = prefix.split('.').length - 1;
    const candidate = prefix + segments.slice(depth).join('.');
    if (segments.length > depth && !present.has(candidate)) candidates.add(candidate);
  }
  return closest(name, candidates, TYPO_EDITS);
}
