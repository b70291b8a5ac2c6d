import { resolve } from 'node:path';
import type { ExitCode } from '../errors.js';
import { defaultPlanPath } from '../run/paths.js';
import type { CommonArgs, Io } from '../wiring.js';
import type { RunClock } from '../run/run-clock.js';
import { runCommand } from './run.js';

export interface PlanArgs extends CommonArgs {
  input: string;
  out?: string;
  journal?: string;
  delimiter?: string;
  ignoreColumn?: string[];
  live?: boolean;
  json?: boolean;
  maxTotal?: string[];
  expectCount?: number;
  expectTotal?: string[];
  ledger?: string;
  repeatWindow?: string;
  allowRepeat?: boolean;
  allowRepeatOf?: string[];
  repeatKey?: string;
}

/** `plan`: the dry run of `run`, written to `<stem>.plan.json` for review. */
export async function planCommand(args: PlanArgs, io: Io, clock?: RunClock): Promise<ExitCode> {
  const { out, ...rest } = args;
  return runCommand({ ...rest, concurrency: 8, dryRun: true, writePlan: out ?? defaultPlanPath(resolve(io.cwd, args.input)) }, io, clock);
}
