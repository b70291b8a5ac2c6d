/**
 * What makes two rows "the same payout" for the repeat-payee guard: the parts compared. The service
 * and the currency are always compared (an account on another service is another payee; an amount
 * means nothing without its currency); `payee`, `amount` and `description` can be left out to hold
 * more (a key with fewer parts matches more rows: a false hold is safe, a missed repeat is not).
 */
import { closest } from '../did-you-mean.js';
import { UsageError } from '../errors.js';

export type RepeatPart = 'payee' | 'amount' | 'description';

export interface RepeatKey {
  payee: boolean;
  amount: boolean;
  /** Compared only when both rows have one: a row without a description matches any. */
  description: boolean;
}

export const DEFAULT_REPEAT_KEY: Readonly<RepeatKey> = Object.freeze({ payee: true, amount: true, description: true });

/** The parts `--repeat-key` takes; `service` and `currency` are accepted and always compared. */
const PARTS = ['service', 'payee', 'currency', 'amount', 'description'] as const;

/** `payee,amount` (or a list of parts) -> the key; an unknown or missing part is a UsageError naming it. */
export function parseRepeatKey(value: string | readonly string[], source = '--repeat-key'): RepeatKey {
  const words = (typeof value === 'string' ? value.split(',') : value.flatMap((v) => String(v).split(','))).map((w) => w.trim().toLowerCase());
  if (words.every((w) => w === '')) {
    throw new UsageError('bad_option', `${source} is empty: name the parts two rows must share to be the same payout, from ${PARTS.join(', ')} (default: all of them)`);
  }
  const key: RepeatKey = { payee: false, amount: false, description: false };
  for (const word of words) {
    if (word === '' || word === 'service' || word === 'currency') continue;
    if (word === 'payee' || word === 'amount' || word === 'description') {
      key[word] = true;
      continue;
    }
    const guess = closest(word, PARTS);
    throw new UsageError('bad_option', `${source} names an unknown part ${JSON.stringify(word)}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}: the parts are ${PARTS.join(', ')}, e.g. ${source} payee,amount to ignore descriptions`);
  }
  return key;
}

/** As `--repeat-key` takes it (`payee,amount`), for messages. */
export function repeatKeyText(key: RepeatKey): string {
  const parts = ['service', ...(key.payee ? ['payee'] : []), 'currency', ...(key.amount ? ['amount'] : []), ...(key.description ? ['description'] : [])];
  return parts.join(',');
}
