import pino, { type Logger } from 'pino';
import { serializeError } from './serialize-error.js';

export type { Logger } from 'pino';

/** Keys that must never reach a log line, wherever they sit in an object. */
const REDACT_PATHS = [
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

export interface LoggerOptions {
  level?: string;
  /** Human-readable lines (pino-pretty) instead of JSON: for terminals. */
  pretty?: boolean;
  /** Colours in the pretty lines; default true (false when NO_COLOR is set: https://no-color.org). */
  color?: boolean;
  destination?: NodeJS.WritableStream;
}

export async function createLogger(opts: LoggerOptions = {}): Promise<Logger> {
  const options = {
    level: opts.level ?? 'info',
    base: { name: 'milkypay-payouts' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
  };
  if (opts.pretty) {
    const { default: pinoPretty } = await import('pino-pretty'); // only terminals pay for loading it
    const stream = pinoPretty({ destination: opts.destination ?? 2, colorize: opts.color ?? true, sync: true, ignore: 'pid,hostname,name,runId' }); // runId ties JSON logs to reports; a terminal shows one run
    return pino(options, stream);
  }
  const destination = opts.destination ?? pino.destination({ dest: 2, sync: true });
  return pino(options, destination as pino.DestinationStream);
}
