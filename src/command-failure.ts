import { isApiError } from './api/api-error.js';
import { credentialsRefused, isCredentialsRefusal } from './api-advice.js';
import { exitCodeOf, userSystemError, type ExitCode } from './errors.js';
import { serializeError } from './serialize-error.js';

/** What a command that threw tells the operator: its exit code, a stable code and the sentence. */
export interface Failure {
  exitCode: ExitCode;
  code: string;
  message: string;
}

/** The one reading of a thrown error: `cli.ts` prints it on stderr, `--json` puts it in its object. */
export function failureOf(error: unknown): Failure {
  const exitCode = exitCodeOf(error);
  if (exitCode !== undefined) return { exitCode, code: codeOf(error, exitCode === 2 ? 'usage' : 'aborted'), message: (error as Error).message };
  const mistake = userSystemError(error);
  if (mistake) return { exitCode: mistake.exitCode, code: mistake.code, message: mistake.message };
  if (isApiError(error) && isCredentialsRefusal(error)) return { exitCode: 2, code: 'auth_failed', message: credentialsRefused(error).message };
  if (isApiError(error)) {
    return { exitCode: 3, code: 'api_unavailable', message: `${error.message}${error.apiMessage ? ` (${error.apiMessage})` : ''}: the API could not be used; try again later (nothing was paid by this step)` };
  }
  return { exitCode: 3, code: 'unexpected', message: `unexpected failure: ${JSON.stringify(serializeError(error))}` };
}

function codeOf(error: unknown, fallback: string): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : fallback;
}
