/**
 * Which fault, if any, a request meets: first the one-shot script (in order), then the random
 * faults drawn from a seeded generator so a run repeats. Pure apart from the generator state.
 */
import { createPrng } from './prng.js';
import type { Faults, SandboxEndpoint, ScriptedFault } from './sandbox-types.js';

export type FaultAction =
  | { kind: 'none' }
  | { kind: 'status'; status: number }
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'drop' }
  | { kind: 'delay'; delayMs: number }
  | { kind: 'commit-then-500' }
  | { kind: 'commit-then-drop' }
  | { kind: 'commit-then-429'; retryAfterSeconds: number }
  | { kind: 'foreign-reply'; replyWith?: string };

const NONE: FaultAction = { kind: 'none' };
const COMMITTING: ReadonlySet<SandboxEndpoint> = new Set(['create', 'process']);
const INVOICE_ANSWERS: ReadonlySet<SandboxEndpoint> = new Set(['create', 'process', 'getInvoice', 'listInvoices']);

interface ScriptEntry {
  fault: ScriptedFault;
  remaining: number;
}

function clampRate(rate: number | undefined): number {
  return typeof rate === 'number' && Number.isFinite(rate) ? Math.min(1, Math.max(0, rate)) : 0;
}

export class FaultEngine {
  private faults: Faults = {};
  private script: ScriptEntry[] = [];
  private readonly random: () => number;

  constructor(faults: Faults | undefined, seed: number) {
    this.random = createPrng(seed);
    this.set(faults ?? {});
  }

  set(faults: Faults): void {
    this.faults = { ...faults };
    this.script = (faults.script ?? []).map((fault) => ({ fault: { ...fault }, remaining: fault.times ?? 1 }));
  }

  get latencyMs(): number {
    const ms = this.faults.latencyMs ?? 0;
    return Number.isFinite(ms) && ms > 0 ? ms : 0;
  }

  decide(endpoint: SandboxEndpoint, referenceId: string | undefined): FaultAction {
    return this.scripted(endpoint, referenceId) ?? this.drawn(endpoint);
  }

  private scripted(endpoint: SandboxEndpoint, referenceId: string | undefined): FaultAction | undefined {
    const index = this.script.findIndex(
      (e) =>
        e.remaining > 0 &&
        e.fault.endpoint === endpoint &&
        (e.fault.referenceId === undefined || e.fault.referenceId === referenceId),
    );
    const entry = this.script[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.script.splice(index, 1);
    const f = entry.fault;
    switch (f.kind) {
      case 'status':
        return { kind: 'status', status: f.status ?? 500 };
      case 'rate-limit':
        return { kind: 'rate-limit', retryAfterSeconds: f.retryAfterSeconds ?? 1 };
      case 'delay':
        return { kind: 'delay', delayMs: f.delayMs ?? 0 };
      case 'commit-then-429':
        return { kind: 'commit-then-429', retryAfterSeconds: f.retryAfterSeconds ?? 1 };
      case 'drop':
      case 'commit-then-500':
      case 'commit-then-drop':
        // Commit-then-fail on an endpoint that commits nothing is a plain failure after the answer is computed.
        return { kind: f.kind };
      case 'foreign-reply':
        return f.replyWith === undefined ? { kind: 'foreign-reply' } : { kind: 'foreign-reply', replyWith: f.replyWith };
    }
  }

  /** One draw per request against the cumulative rates, so each request costs the same randomness. */
  private drawn(endpoint: SandboxEndpoint): FaultAction {
    const f = this.faults;
    if (f.endpoints && !f.endpoints.includes(endpoint)) return NONE;
    const bands: Array<[number, FaultAction]> = [];
    const drop = clampRate(f.dropRate);
    if (drop > 0) bands.push([drop, { kind: 'drop' }]);
    if (f.rateLimit) bands.push([clampRate(f.rateLimit.rate), { kind: 'rate-limit', retryAfterSeconds: f.rateLimit.retryAfterSeconds }]);
    const statuses = Object.keys(f.errorRates ?? {})
      .map(Number)
      .filter((s) => Number.isInteger(s) && s >= 400 && s <= 599)
      .sort((a, b) => a - b);
    for (const status of statuses) bands.push([clampRate(f.errorRates?.[status]), { kind: 'status', status }]);
    if (f.commitThenFail && COMMITTING.has(endpoint)) {
      const mode = f.commitThenFail.mode;
      const action: FaultAction = mode === 'drop' ? { kind: 'commit-then-drop' } : mode === '429' ? { kind: 'commit-then-429', retryAfterSeconds: 1 } : { kind: 'commit-then-500' };
      bands.push([clampRate(f.commitThenFail.rate), action]);
    }
    if (f.foreignReplyRate && INVOICE_ANSWERS.has(endpoint)) bands.push([clampRate(f.foreignReplyRate), { kind: 'foreign-reply' }]);
    if (bands.length === 0 || bands.every(([rate]) => rate === 0)) return NONE;
    const roll = this.random();
    let upTo = 0;
    for (const [rate, action] of bands) {
      upTo += rate;
      if (roll < upTo) return action;
    }
    return NONE;
  }
}
