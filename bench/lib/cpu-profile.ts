/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof: the main thread) and charges each sample's time to
 * the source file of the function it was in, through the bundle's source maps (dist/cli.js and
 * its chunks are esbuild bundles: their file URLs alone do not say which module a function came from).
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ROOT } from './config.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  /** e.g. `parse src/api/reply-json.ts:41`, or `(garbage collector)`. */
  name: string;
  /** Source file, as the source map names it (`src/…`, `node_modules/…`), or '' for V8's own entries and builtins. */
  source: string;
  ms: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  /** Self time per function, builtins as they are (JSON.parse is its own entry). */
  functions: SelfTime[];
  /**
   * Self time per source file, each builtin's charged to the nearest caller with a source, and
   * per `owner`: the nearest frame (itself or a caller) in the project's own `src/` (zod called
   * by the config and zod called by a reply reader are told apart); '' when there is none.
   */
  charged: { source: string; owner: string; ms: number }[];
}

export function readProfile(path: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const located = new Map(profile.nodes.map((n) => [n.id, locate(n.callFrame)]));
  const up = (from: number, found: (id: number) => boolean): number | undefined => {
    for (let id: number | undefined = from; id !== undefined; id = parent.get(id)) if (found(id)) return id;
    return undefined;
  };
  const functions = new Map<string, SelfTime>();
  const charged = new Map<string, { source: string; owner: string; ms: number }>();
  let idleUs = 0;
  for (const [id, us] of sampleTimes(profile)) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') idleUs += us;
    const where = located.get(id)!;
    const name = where.source ? `${node.callFrame.functionName || '(anonymous)'} ${where.source}:${where.line}` : node.callFrame.functionName || '(anonymous builtin)';
    const entry = functions.get(name) ?? { name, source: where.source, ms: 0 };
    entry.ms += us / 1000;
    functions.set(name, entry);
    const at = special(node) ? id : (up(id, (i) => located.get(i)!.source !== '') ?? id);
    const source = located.get(at)!.source || byId.get(at)!.callFrame.functionName;
    const ownerId = up(at, (i) => located.get(i)!.source.startsWith('src/'));
    const owner = ownerId === undefined ? '' : located.get(ownerId)!.source;
    const key = `${source}\n${owner}`;
    const sum = charged.get(key) ?? { source, owner, ms: 0 };
    sum.ms += us / 1000;
    charged.set(key, sum);
  }
  return { totalMs: (profile.endTime - profile.startTime) / 1000, idleMs: idleUs / 1000, functions: [...functions.values()].sort((a, b) => b.ms - a.ms), charged: [...charged.values()] };
}

/** Each sample lasts until the next one (the last until the profile's end), in µs, summed per node. */
function sampleTimes(p: Profile): Map<number, number> {
  const out = new Map<number, number>();
  let at = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i] ?? 0;
    const next = i + 1 < p.samples.length ? at + (p.timeDeltas[i + 1] ?? 0) : p.endTime;
    out.set(p.samples[i]!, (out.get(p.samples[i]!) ?? 0) + Math.max(0, next - at));
  }
  return out;
}

const special = (n: ProfileNode): boolean => n.callFrame.functionName.startsWith('(');

const maps = new Map<string, SourceMap | undefined>();

/** The original source and line (1-based) of a frame, through the file's source map when it has one. */
function locate(frame: CallFrame): { source: string; line: number } {
  if (!frame.url.startsWith('file:')) return { source: '', line: 0 };
  const path = fileURLToPath(frame.url);
  if (!maps.has(path)) maps.set(path, existsSync(`${path}.map`) ? new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8'))) : undefined);
  const entry = maps.get(path)?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  if (entry?.originalSource) return { source: tidy(entry.originalSource), line: (entry.originalLine ?? 0) + 1 };
  return { source: tidy(path), line: frame.lineNumber + 1 };
}

/** `../../src/api/x.ts`, `<root>/node_modules/zod/…` → `src/api/x.ts`, `node_modules/zod/…`. */
function tidy(source: string): string {
  const at = source.lastIndexOf('node_modules/');
  if (at >= 0) return source.slice(at);
  if (source.startsWith(`${ROOT}/`)) return source.slice(ROOT.length + 1);
  return source.replace(/^(\.\.\/)+/, '');
}
