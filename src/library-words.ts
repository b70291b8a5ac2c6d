/**
 * The naming seam between the two ways in: messages are written in the command line's words
 * (`--max-total`), and a caller of the library, who passed options, reads them in its own
 * (`maxTotal`). One place translates, so no message is written twice.
 */

/** Flags whose library option is not simply the flag in camelCase. */
const SPECIAL: Record<string, string> = {
  'no-process': 'process: false',
  'api-url': 'config.apiUrl',
  'cache-dir': 'config.cacheDir',
  yes: 'confirm',
};

/** `--max-total` -> `maxTotal`. */
export function optionOfFlag(flag: string): string {
  return SPECIAL[flag] ?? flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `message` with each `--flag` named as the library option that sets it. */
export function inLibraryWords(message: string): string {
  return message.replace(/(?<![\w-])--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\b/g, (_, flag: string) => optionOfFlag(flag));
}

/** The error, its message in the library's words (the CLI's own errors keep theirs). */
export function withLibraryWords<T>(error: T): T {
  if (error instanceof Error) error.message = inLibraryWords(error.message);
  return error;
}
