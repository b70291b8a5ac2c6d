import { describe, expect, it } from 'vitest';
import { check, find, loadManifests, type Container, type Manifest, type PodSpec } from './k8s-manifests.js';

const docs = loadManifests();
const cronJob = () => find(docs, 'CronJob', 'milkypay-payouts-nightly');
const indexedJob = () => find(docs, 'Job', 'milkypay-payouts-accounts');
const podOf = (doc: Manifest): PodSpec => (doc.kind === 'CronJob' ? doc.spec['jobTemplate'].spec : doc.spec)['template'].spec;
const payouts = (doc: Manifest): Container => podOf(doc).containers.find((c) => c.name === 'payouts')!;
const envOf = (c: Container): Map<string, NonNullable<Container['env']>[number]> => new Map((c.env ?? []).map((e) => [e.name, e]));

/** The folder of the claim `path` is on in `doc`'s payouts container, or undefined when it is on the pod's own disk. */
function claimHolding(doc: Manifest, path: string): string | undefined {
  const pod = podOf(doc);
  const mount = payouts(doc).volumeMounts?.find((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`));
  return pod.volumes?.find((v) => v.name === mount?.name)?.['persistentVolumeClaim']?.claimName;
}

describe('deploy/ holds manifests the Kubernetes API server accepts', () => {
  it('every document passes its kind’s schema and the server’s Job rules', () => {
    expect(docs.map((d) => `${d.kind} ${d.metadata.name}`).sort()).toEqual([
      'CronJob milkypay-payouts-nightly',
      'Deployment milkypay-payouts-metrics',
      'Job milkypay-payouts-accounts',
      'PersistentVolumeClaim milkypay-payouts-accounts',
      'PersistentVolumeClaim milkypay-payouts-data',
      'Service milkypay-payouts-metrics',
    ]);
    for (const doc of docs) expect(() => check(doc), `${doc.kind} ${doc.metadata.name}`).not.toThrow();
  });

  // The check must be able to fail: each of these is a manifest the server rejects.
  const rejected: Array<[string, () => Manifest, RegExp]> = [
    ['onExitCodes with restartPolicy OnFailure (the old README snippet)', () => mutate(cronJob(), (d) => (podOf(d).restartPolicy = 'OnFailure')), /only "Never" is supported/],
    ['a rule naming a container the pod lacks', () => mutate(cronJob(), (d) => (d.spec['jobTemplate'].spec.podFailurePolicy.rules[0].onExitCodes.containerName = 'main')), /containerName/],
    ['exit codes out of order', () => mutate(cronJob(), (d) => (d.spec['jobTemplate'].spec.podFailurePolicy.rules[0].onExitCodes.values = [2, 1])), /ordered/],
    ['0 with the In operator', () => mutate(cronJob(), (d) => (d.spec['jobTemplate'].spec.podFailurePolicy.rules[0].onExitCodes.values = [0, 1])), /must not be 0/],
    ['an action the API does not know', () => mutate(cronJob(), (d) => (d.spec['jobTemplate'].spec.podFailurePolicy.rules[0].action = 'Fail')), /allowed values/],
    ['concurrencyPolicy misspelt', () => mutate(cronJob(), (d) => (d.spec['concurrencyPolicy'] = 'forbid')), /allowed values/],
    ['FailIndex without backoffLimitPerIndex', () => mutate(indexedJob(), (d) => delete d.spec['backoffLimitPerIndex']), /backoffLimitPerIndex/],
    ['an Indexed Job without completions', () => mutate(indexedJob(), (d) => delete d.spec['completions']), /completions/],
    ['a secret key that is not a string', () => mutate(cronJob(), (d) => (payouts(d).env![0]!.valueFrom.secretKeyRef.key = 1)), /must be string/],
  ];
  it.each(rejected)('rejects %s', (_, make, message) => {
    expect(() => check(make())).toThrow(message);
  });
});

describe('what the kubelet expands', () => {
  /** `$(NAME)` references of `text` that are not `$$(` escapes. */
  const references = (text: string): string[] => [...text.matchAll(/(?<!\$)\$\(([^)]*)\)/g)].map((m) => m[1]!);

  it.each(['CronJob', 'Job'])('the %s: every $(NAME) in args and subPathExpr is one of the container’s variables; a shell $(…) is written $$(…)', (kind) => {
    const doc = docs.find((d) => d.kind === kind)!;
    const container = payouts(doc);
    const names = new Set((container.env ?? []).map((e) => e.name));
    const texts = [...(container.command ?? []), ...(container.args ?? []), ...(container.volumeMounts ?? []).map((m) => m.subPathExpr ?? '')];
    expect(texts.flatMap(references).filter((name) => !names.has(name))).toEqual([]);
    // And the check can fail: an unescaped shell substitution is caught.
    expect(references('run "in-$(date -u +%F).csv"').filter((name) => !names.has(name))).toEqual(['date -u +%F']);
  });
});

describe('the nightly CronJob', () => {
  const doc = cronJob();
  const job = doc.spec['jobTemplate'].spec;

  it('never runs twice at once, skips a start it missed by long, and retries a few times', () => {
    expect(doc.spec['concurrencyPolicy']).toBe('Forbid');
    expect(doc.spec['startingDeadlineSeconds']).toBeGreaterThan(0);
    expect(podOf(doc).restartPolicy).toBe('Never');
    expect(job.backoffLimit).toBeGreaterThanOrEqual(3);
  });

  it('takes the keys from a Secret, never from the manifest', () => {
    const env = envOf(payouts(doc));
    for (const name of ['MILKYPAY_API_URL', 'MILKYPAY_PUBLIC_KEY', 'MILKYPAY_KEY_ID', 'MILKYPAY_SECRET_KEY']) {
      expect(env.get(name)?.valueFrom?.secretKeyRef, name).toEqual({ name: 'milkypay-payouts-keys', key: name });
      expect(env.get(name)?.value, name).toBeUndefined();
    }
  });

  it('keeps input, journal, results, ledger, cache and metrics on the claim, not on the pod’s disk', () => {
    const env = envOf(payouts(doc));
    const input = /run "(\/[^"]+)"/.exec(payouts(doc).args!.join(' '))?.[1] ?? '';
    // The journal and results go beside the input (their defaults).
    for (const path of [input, env.get('MILKYPAY_LEDGER_DIR')?.value, env.get('MILKYPAY_CACHE_DIR')?.value, env.get('MILKYPAY_METRICS_FILE')?.value]) {
      expect(claimHolding(doc, path ?? '(unset)'), path).toBe('milkypay-payouts-data');
    }
    expect(env.get('MILKYPAY_REPEAT_WINDOW')?.value).toBe('3d');
  });

  it('writes the metrics file where the exporter’s textfile collector reads it, on the exporter’s node', () => {
    const exporter = find(docs, 'Deployment', 'milkypay-payouts-metrics');
    const pod = exporter.spec['template'].spec as PodSpec;
    const args = pod.containers[0]!.args!;
    const dir = args.find((a) => a.startsWith('--collector.textfile.directory='))!.split('=')[1]!;
    const mount = pod.containers[0]!.volumeMounts!.find((m) => m.mountPath === dir)!;
    expect(pod.volumes!.find((v) => v.name === mount.name)?.['persistentVolumeClaim']?.claimName).toBe('milkypay-payouts-data');
    const metricsFile = envOf(payouts(doc)).get('MILKYPAY_METRICS_FILE')!.value!;
    expect(metricsFile).toBe(`/data/${mount.subPath}/milkypay_payouts.prom`);
    expect(metricsFile.endsWith('.prom')).toBe(true); // the collector reads *.prom only
    const affinity = podOf(doc).affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
    expect(exporter.spec['template'].metadata.labels).toMatchObject(affinity.labelSelector.matchLabels);
    expect(find(docs, 'Service', 'milkypay-payouts-metrics').spec['selector']).toEqual(exporter.spec['selector'].matchLabels);
  });
});

describe('the Indexed Job pays one account per completion index', () => {
  const doc = indexedJob();
  const pod = podOf(doc);

  it('each index has its own account Secret, and its own folder on a claim every node can mount', () => {
    expect(doc.spec['completionMode']).toBe('Indexed');
    const keys = pod.volumes!.find((v) => v.name === 'keys')!['projected'].sources as Array<{ secret: { name: string; items: Array<{ key: string; path: string }> } }>;
    expect(keys.map((s) => [s.secret.name, s.secret.items[0]!.path])).toEqual(
      Array.from({ length: doc.spec['completions'] }, (_, i) => [`milkypay-payouts-account-${i}`, `${i}/.env`]),
    );
    const env = envOf(payouts(doc));
    expect(env.get('JOB_COMPLETION_INDEX')?.valueFrom.fieldRef.fieldPath).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    expect(payouts(doc).volumeMounts!.find((m) => m.mountPath === '/data')?.subPathExpr).toBe('accounts/$(JOB_COMPLETION_INDEX)');
    expect(payouts(doc).args!.join(' ')).toContain('cd "/keys/$JOB_COMPLETION_INDEX"');
    expect(claimHolding(doc, env.get('MILKYPAY_LEDGER_DIR')!.value!)).toBe('milkypay-payouts-accounts');
    expect(find(docs, 'PersistentVolumeClaim', 'milkypay-payouts-accounts').spec['accessModes']).toEqual(['ReadWriteMany']);
    expect(pod.restartPolicy).toBe('Never');
  });
});

function mutate(doc: Manifest, change: (doc: Manifest) => void): Manifest {
  change(doc);
  return doc;
}
