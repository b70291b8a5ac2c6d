/**
 * Usage mistakes in the operator's words: yargs' complaints turned into what was typed, what was
 * meant and where the help is, with every command named as the user ran the program.
 */
import { closest } from './did-you-mean.js';

export interface UsageContext {
  argv: readonly string[];
  /** Each command's options (without dashes). */
  optionsOf: Record<string, readonly string[]>;
  /** The program as the user ran it: `milkypay-payouts`, `node dist/cli.js`… */
  program: string;
}

/** Words people type for a command, and the command they mean. */
const COMMAND_WORDS: Record<string, string> = {
  pay: 'run', payout: 'run', payouts: 'run', send: 'run', execute: 'run', start: 'run',
  'dry-run': 'plan', dryrun: 'plan', check: 'plan', validate: 'plan', preview: 'plan',
  retry: 'retry-failed', 'retry-failures': 'retry-failed', status: 'reconcile', sync: 'reconcile', list: 'services',
};

/** What each command's one positional argument is. */
const POSITIONAL: Record<string, string> = { run: 'input file', plan: 'input file', 'retry-failed': 'input file', reconcile: 'journal' };

/** yargs' complaint, with "did you mean" for a mistyped command or option and a usage hint. */
export function usageMessage(message: string, ctx: UsageContext): string {
  const command = ctx.argv.find((a) => !a.startsWith('-'));
  const known = command !== undefined && ctx.optionsOf[command] !== undefined;
  const hint = `see ${ctx.program}${known ? ` ${command}` : ''} --help`;
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown && known) return `${unknownWords(unknown[1]!.split(', '), command, ctx).join('; ')} (${hint})`;
  if (command !== undefined && !known && (message.startsWith('Did you mean') || message.startsWith('Unknown argument'))) {
    const meant = COMMAND_WORDS[command.toLowerCase()] ?? /^Did you mean (.+)\?$/.exec(message)?.[1];
    return `unknown command ${JSON.stringify(command)}${meant ? `: did you mean ${meant}?` : ''} (${hint})`;
  }
  if (/^Arguments (sandbox and api-url|api-url and sandbox) are mutually exclusive$/.test(message)) {
    return `--sandbox and --api-url choose where the payouts go, so give only one: --sandbox pays into the embedded test sandbox on this machine (nothing real), --api-url pays through the MilkyPay API at that URL; drop --api-url to rehearse, or drop --sandbox to use that API (${hint})`;
  }
  if (message.startsWith('Not enough non-option arguments') && command) return `${command} needs ${command === 'reconcile' ? 'the journal file' : 'the payouts CSV file'} (${hint})`;
  return `${message} (${hint})`;
}

/** Each word yargs did not know: a second file, or an option (with the one meant). */
function unknownWords(words: string[], command: string, ctx: UsageContext): string[] {
  const options = [...ctx.optionsOf[command]!, 'help', 'version'];
  return words.map((w) => {
    if (ctx.argv.includes(w) && !w.startsWith('-')) {
      const what = POSITIONAL[command];
      return what ? `${command} takes one ${what}, and ${w} is a second one: give one per command` : `${command} takes no file or other word: ${w}`;
    }
    const flag = w.length === 1 ? `-${w}` : `--${w}`;
    const near = closest(w, options);
    return near ? `unknown option ${flag}: did you mean --${near}?` : `unknown option ${flag}`;
  });
}

/**
 * A number option given something that is not a number (`--wait abc`, which yargs would read as
 * NaN): the option, the value and what it takes. Undefined when every number option has a number.
 */
export function badNumber(argv: readonly string[], numberOptions: Record<string, string>, program: string): string | undefined {
  const command = argv.find((a) => !a.startsWith('-'));
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return undefined;
    if (!token.startsWith('--')) continue;
    const eq = token.indexOf('=');
    const name = token.slice(2, eq === -1 ? undefined : eq);
    if (!Object.hasOwn(numberOptions, name)) continue;
    const next = argv[i + 1];
    const value = eq !== -1 ? token.slice(eq + 1) : next !== undefined && (!next.startsWith('-') || /^-[\d.]/.test(next)) ? next : undefined;
    if (value === undefined || (value.trim() !== '' && Number.isFinite(Number(value)))) continue;
    return `--${name} takes a number (got ${JSON.stringify(value)}): ${numberOptions[name]} (see ${program}${command ? ` ${command}` : ''} --help)`;
  }
  return undefined;
}

/** A message naming `milkypay-payouts <command>`, with the program as the user ran it. */
export function asTyped(message: string, program: string): string {
  return program === 'milkypay-payouts' ? message : message.replace(/(?<![\w/.-])milkypay-payouts(?= (?:run|plan|services|retry-failed|reconcile|sandbox)\b)/g, program);
}
