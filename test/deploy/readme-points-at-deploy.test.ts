import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOY } from './k8s-manifests.js';

const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
const section = (title: string): string => {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, title).toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
};

describe('the README sends the operator to deploy/', () => {
  it('holds no Kubernetes YAML of its own (a copy drifts; the old one kept the journal on the pod’s disk)', () => {
    const yamlBlocks = [...readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(yamlBlocks.filter((b) => /podFailurePolicy|apiVersion|restartPolicy/.test(b))).toEqual([]);
  });

  it('names every file of deploy/, and every deploy/ path it names exists', () => {
    const files = readdirSync(DEPLOY);
    expect(files.filter((f) => !readme.includes(`\`${f}\``) && !readme.includes(`deploy/${f}`))).toEqual([]);
    const named = [...readme.matchAll(/deploy\/([\w.-]+\.(?:yaml|Dockerfile)|Dockerfile)/g)].map((m) => m[1]!);
    expect(named.filter((f) => !files.includes(f))).toEqual([]);
  });

  it('"Going live" goes in order: .env from .env.example, services, plan --live, review, run --plan --live, then cron or deploy/', () => {
    const text = section('Going live');
    const steps = ['.env.example', 'milkypay-payouts services', 'plan payouts.csv --live', 'Review', 'run payouts.csv --plan payouts.plan.json --live', '(#cron)', '`deploy/`'];
    const at = steps.map((s) => text.indexOf(s));
    expect(at.every((i) => i >= 0), JSON.stringify(Object.fromEntries(steps.map((s, i) => [s, at[i]])))).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    for (const variable of ['MILKYPAY_LEDGER_DIR', 'MILKYPAY_REPEAT_WINDOW']) expect(text).toContain(variable);
  });
});
