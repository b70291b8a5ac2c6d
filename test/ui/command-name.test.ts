import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { programName } from '../../src/ui/command-name.js';
import { nextSuffix } from '../../src/ui/summary-text.js';

describe('the program as the user ran it', () => {
  it('node with the script path (relative to the folder it ran in), npx, or the bin on the PATH', async () => {
    expect(programName(['/usr/bin/node', '/srv/app/dist/cli.js'], {}, '/srv/app')).toBe('node dist/cli.js');
    expect(programName(['/usr/bin/node', '/srv/app/dist/cli.js'], {}, '/home/me')).toBe('node /srv/app/dist/cli.js');
    expect(programName(['/usr/bin/node', '/x/node_modules/.bin/milkypay-payouts'], { npm_command: 'exec' }, '/x')).toBe('npx milkypay-payouts');
    const bin = await mkdtemp(join(tmpdir(), 'mp-bin-'));
    try {
      await writeFile(join(bin, 'milkypay-payouts'), '');
      expect(programName(['/usr/bin/node', join(bin, 'milkypay-payouts')], { PATH: `/usr/bin:${bin}` }, '/')).toBe('milkypay-payouts');
      expect(programName(['/usr/bin/node', join(bin, 'milkypay-payouts')], { PATH: '/usr/bin' }, '/nowhere')).toBe(join(bin, 'milkypay-payouts'));
      expect(programName(['/usr/bin/node', join(bin, 'milkypay-payouts')], { PATH: '/usr/bin' }, bin)).toBe('./milkypay-payouts');
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });

  it('never proposes a suffix the file already carries', () => {
    expect(nextSuffix('payouts.csv')).toBe('-r2');
    expect(nextSuffix('dir/payouts-r2.csv')).toBe('-r3');
    expect(nextSuffix('payouts-r9')).toBe('-r10');
  });
});
