/**
 * Before it runs a command's handler yargs renders that command's whole --help text and keeps it,
 * for a `showHelp()` the handler might call: about 20-30 ms of CPU at every start of a command. Our
 * handlers never show help (usage errors go through `.fail`, --help is answered before any
 * handler), and `showHelp`/`getHelp` render it themselves when nothing is kept. The bundle
 * (scripts/bundle-cli.mjs) and the in-process tests (vitest.config.ts) both load yargs this way.
 */
export const YARGS_USAGE_FILE = /yargs[\\/]build[\\/]lib[\\/]usage\.js$/;

/** yargs' usage.js without the help text rendered ahead of every handler. */
export function withHelpOnDemand(path, source) {
  const from = 'cachedHelpMessage = this.help();';
  if (!source.includes(from)) throw new Error(`${path}: yargs changed; check what caches the help text`);
  return source.replace(from, '');
}
