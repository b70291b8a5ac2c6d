import { resolve } from 'node:path';
import type { ArgsOf, PLAN_OPTIONS } from '../cli-options.js';
import type { ExitCode } from '../errors.js';
import { defaultPlanPath } from '../run/paths.js';
import type { CommonArgs, Io } from '../wiring.js';
import type { RunClock } from '../run/run-clock.js';
import { runCommand } from './run.js';

/** `plan` takes what `run` takes to read, gate and guard a file; its `out` is the plan file. */
export type PlanArgs = CommonArgs & Partial<ArgsOf<typeof PLAN_OPTIONS>> & { input: string };

/** `plan`: the dry run of `run`, written to `<stem>.plan.json` for review. */
export async function planCommand(args: PlanArgs, io: Io, clock?: RunClock): Promise<ExitCode> {
  const { out, ...rest } = args;
  return runCommand({ ...rest, concurrency: 8, dryRun: true, writePlan: out ?? defaultPlanPath(resolve(io.cwd, args.input)) }, io, clock);
}
