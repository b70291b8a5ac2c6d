import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { comparePlan } from '../../src/plan/plan-compare.js';
import { readPlan, writePlan, type PlanFacts, type PlanFile } from '../../src/plan/plan-file.js';
import { defaultPlanPath } from '../../src/run/paths.js';

const FACTS: PlanFacts = {
  input: { file: 'refunds.csv', sha256: 'a'.repeat(64) },
  api: { origin: 'https://api.example.com', account: 'key_1', mode: 'live' },
  rows: 4,
  validRows: 3,
  totals: [
    { currency: 'EUR', rows: 1, amount: '5.00' },
    { currency: 'USD', rows: 2, amount: '30.00' },
  ],
  rulesDigest: 'r1',
  holds: [{ line: 5, reference_id: 'rf-4', message: 'held' }],
};

describe('comparing a plan with the run about to pay', () => {
  it('finds nothing when the same file, account, rows and totals come out (new rules are fine)', () => {
    expect(comparePlan(FACTS, { ...FACTS, rulesDigest: 'r2' })).toEqual([]);
  });

  it('names an edited file by its hash', () => {
    const diff = comparePlan(FACTS, { ...FACTS, input: { file: 'refunds.csv', sha256: 'b'.repeat(64) } });
    expect(diff).toEqual([expect.stringMatching(/input file changed since the plan: its SHA-256 was aaaaaaaaaaaa… \(refunds\.csv\), now bbbbbbbbbbbb…/)]);
  });

  it('names another account, origin or mode', () => {
    expect(comparePlan(FACTS, { ...FACTS, api: { ...FACTS.api, mode: 'test' } })[0]).toMatch(/made for https:\/\/api\.example\.com \(key id key_1, live mode\), this run is for .*test mode/);
    expect(comparePlan(FACTS, { ...FACTS, api: { ...FACTS.api, account: 'key_2' } })).toHaveLength(1);
  });

  it('names the rows, valid rows and each currency total that moved', () => {
    const diff = comparePlan(FACTS, {
      ...FACTS,
      rows: 5,
      validRows: 4,
      totals: [
        { currency: 'USD', rows: 2, amount: '300.00' },
        { currency: 'JPY', rows: 1, amount: '100' },
      ],
    });
    expect(diff).toEqual([
      'the plan has 4 rows, the file now has 5',
      'the plan has 3 valid rows, the file now has 4',
      'EUR: the plan totals 5.00 EUR in 1 row, the file now totals nothing',
      'JPY: the plan totals nothing, the file now totals 100 JPY in 1 row',
      'USD: the plan totals 30.00 USD in 2 rows, the file now totals 300.00 USD in 2 rows',
    ]);
  });

  it('says row or rows by the count', () => {
    expect(comparePlan({ ...FACTS, rows: 1, validRows: 1 }, { ...FACTS, rows: 2, validRows: 2 })).toEqual([
      'the plan has 1 row, the file now has 2',
      'the plan has 1 valid row, the file now has 2',
    ]);
    const twoHeld = { ...FACTS, holds: [...FACTS.holds, { line: 6, reference_id: 'rf-5', message: 'held' }] };
    expect(comparePlan(twoHeld, { ...FACTS, holds: [] })[0]).toMatch(/^the plan held 2 repeat-payee rows that this run would pay/);
  });

  it('refuses to pay a row the plan showed as held', () => {
    expect(comparePlan(FACTS, { ...FACTS, holds: [] })).toEqual([expect.stringMatching(/held 1 repeat-payee row that this run would pay: "rf-4" \(line 5\)/)]);
    expect(comparePlan({ ...FACTS, holds: [] }, FACTS)).toEqual([]); // a new hold only sends less
  });
});

describe('the plan file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-plan-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is written beside the input as <stem>.plan.json, 0600, and read back as written', async () => {
    const path = defaultPlanPath(join(dir, 'refunds.csv'));
    expect(path).toBe(join(dir, 'refunds.plan.json'));
    const plan: PlanFile = { version: 1, createdAt: '2026-11-27T10:00:00.000Z', ...FACTS };
    await writePlan(path, plan);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readPlan(path)).toEqual(plan);
  });

  it('a missing, garbled or foreign plan is a usage error naming the file', async () => {
    await expect(readPlan(join(dir, 'none.plan.json'))).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/none\.plan\.json \(ENOENT\)/) });
    await writeFile(join(dir, 'bad.plan.json'), '{');
    await expect(readPlan(join(dir, 'bad.plan.json'))).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/bad\.plan\.json is not JSON/) });
    await writeFile(join(dir, 'other.plan.json'), JSON.stringify({ version: 1, createdAt: 'x' }));
    await expect(readPlan(join(dir, 'other.plan.json'))).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/other\.plan\.json is not a plan this tool wrote \(createdAt/) });
  });
});
