import { isApiError } from './api/api-error.js';

/** Only our own plain error data is logged: never the HTTP client's errors, which carry request details. */
export function serializeError(error: unknown): Record<string, unknown> {
  if (isApiError(error)) return error.toJSON();
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { type: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: String(error) };
}
