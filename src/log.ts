import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { isApiError } from './api/errors.js';

export type { Logger } from 'pino';

/** Keys that must never reach a log line, wherever they sit in an object. */
export const REDACT_PATHS = [
  'secretKey',
  'password',
  'authorization',
  'Authorization',
  'headers.authorization',
  '*.secretKey',
  '*.password',
  '*.authorization',
  '*.headers.authorization',
  '*.*.headers.authorization',
  'config.secretKey',
  'fields.card_number',
  '*.fields.card_number',
];

/** Only our own plain error data is logged: never got's errors, which carry request options. */
export function serializeError(error: unknown): Record<string, unknown> {
  if (isApiError(error)) return error.toJSON();
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { type: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: String(error) };
}

export interface LoggerOptions {
  level?: string;
  /** Human-readable lines (pino-pretty) instead of JSON: for terminals. */
  pretty?: boolean;
  destination?: NodeJS.WritableStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const options = {
    level: opts.level ?? 'info',
    base: { name: 'milkypay-payouts' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
  };
  if (opts.pretty) {
    const stream = pinoPretty({ destination: opts.destination ?? 2, colorize: true, sync: true, ignore: 'pid,hostname,name' });
    return pino(options, stream);
  }
  const destination = opts.destination ?? pino.destination({ dest: 2, sync: true });
  return pino(options, destination as pino.DestinationStream);
}
