/**
 * The manifests of deploy/, read as kubectl reads them, and the checks the API server makes on
 * them: the OpenAPI schema of each kind (kubernetes-models' own bundled validators, offline), then
 * the rules the server enforces in code that no schema states (a Job's podFailurePolicy, an
 * Indexed Job's per-index limits). A manifest that passes `check` is one the server accepts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';

export const DEPLOY = resolve(import.meta.dirname, '../../deploy');

// The shapes this test reads; the schema check is what holds them to the real API types.
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, any>;
}
export interface PodSpec {
  restartPolicy?: string;
  containers: Container[];
  volumes?: Array<Record<string, any> & { name: string }>;
  affinity?: any;
  securityContext?: Record<string, any>;
}
export interface Container {
  name: string;
  args?: string[];
  command?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: any }>;
  volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string; subPathExpr?: string; readOnly?: boolean }>;
}
export interface FailureRule {
  action: 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';
  onExitCodes?: { containerName?: string; operator: 'In' | 'NotIn'; values: number[] };
  onPodConditions?: Array<{ type: string; status?: string }>;
}

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'batch/v1 CronJob': CronJob,
  'batch/v1 Job': Job,
  'apps/v1 Deployment': Deployment,
  'v1 PersistentVolumeClaim': PersistentVolumeClaim,
  'v1 Service': Service,
};

/** Every document of every deploy/*.yaml, parsed as YAML 1.1 like kubectl (sigs.k8s.io/yaml). */
export function loadManifests(): Manifest[] {
  const docs: Manifest[] = [];
  for (const file of readdirSync(DEPLOY).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8'), { version: '1.1' })) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      docs.push(doc.toJS() as Manifest);
    }
  }
  return docs;
}

export function find(docs: Manifest[], kind: string, name: string): Manifest {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!doc) throw new Error(`no ${kind} ${name} in deploy/`);
  return structuredClone(doc);
}

/** Throws what the API server would answer, or returns when it would accept the manifest. */
export function check(doc: Manifest): void {
  const Model = MODELS[`${doc.apiVersion} ${doc.kind}`];
  if (!Model) throw new Error(`no schema known for ${doc.apiVersion} ${doc.kind}`);
  new Model(doc).validate();
  const job = doc.kind === 'CronJob' ? doc.spec['jobTemplate']?.spec : doc.kind === 'Job' ? doc.spec : undefined;
  if (job) checkJobRules(job);
}

/** What pkg/apis/batch/validation checks beyond the schema. */
function checkJobRules(job: Record<string, any>): void {
  const pod = job['template'].spec as PodSpec;
  const policy = job['podFailurePolicy'] as { rules: FailureRule[] } | undefined;
  if (job['completionMode'] === 'Indexed' && job['completions'] === undefined) throw new Error('spec.completions: Required value: when completionMode is Indexed');
  if (job['backoffLimitPerIndex'] !== undefined && job['completionMode'] !== 'Indexed') throw new Error('spec.backoffLimitPerIndex: requires completionMode Indexed');
  if (!policy) return;
  if (pod.restartPolicy !== 'Never') throw new Error(`spec.template.spec.restartPolicy: Invalid value: "${pod.restartPolicy}": only "Never" is supported when podFailurePolicy is specified`);
  if (policy.rules.length > 20) throw new Error('spec.podFailurePolicy.rules: Too many: at most 20');
  const names = new Set(pod.containers.map((c) => c.name));
  policy.rules.forEach((rule, i) => {
    const at = `spec.podFailurePolicy.rules[${i}]`;
    if (Boolean(rule.onExitCodes) === Boolean(rule.onPodConditions)) throw new Error(`${at}: exactly one of onExitCodes and onPodConditions is required`);
    if (rule.action === 'FailIndex' && job['backoffLimitPerIndex'] === undefined) throw new Error(`${at}.action: FailIndex requires backoffLimitPerIndex`);
    const codes = rule.onExitCodes;
    if (!codes) return;
    if (codes.containerName !== undefined && !names.has(codes.containerName)) throw new Error(`${at}.onExitCodes.containerName: Invalid value: "${codes.containerName}": must be one of the container names`);
    if (codes.values.length < 1 || codes.values.length > 255) throw new Error(`${at}.onExitCodes.values: 1 to 255 values`);
    codes.values.forEach((v, j) => {
      if (codes.operator === 'In' && v === 0) throw new Error(`${at}.onExitCodes.values[${j}]: Invalid value: 0: must not be 0 for the In operator`);
      if (j > 0 && v <= codes.values[j - 1]!) throw new Error(`${at}.onExitCodes.values[${j}]: must be ordered, without duplicates`);
    });
  });
}

/**
 * What the Job controller does with a pod of `job` that failed with `exitCode` in container
 * `container` (or with pod condition `condition`): the action of the first rule that matches, or,
 * when none does, `Count` (the failure counts towards backoffLimit: the pod is retried).
 */
export function failureAction(job: Record<string, any>, failed: { container: string; exitCode: number } | { condition: string }): FailureRule['action'] {
  const rules = ((job['podFailurePolicy'] as { rules: FailureRule[] } | undefined)?.rules) ?? [];
  for (const rule of rules) {
    if ('condition' in failed) {
      if (rule.onPodConditions?.some((c) => c.type === failed.condition && (c.status ?? 'True') === 'True')) return rule.action;
      continue;
    }
    const codes = rule.onExitCodes;
    if (!codes || (codes.containerName !== undefined && codes.containerName !== failed.container)) continue;
    const listed = codes.values.includes(failed.exitCode);
    if (codes.operator === 'In' ? listed : !listed) return rule.action;
  }
  return 'Count';
}
