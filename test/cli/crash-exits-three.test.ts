import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { exitThreeOnCrash } from '../../src/crash-exit.js';
import { CLI, collect } from '../helpers/workspace.js';

/**
 * A module loaded before the CLI (`node --import`) that fails once the CLI is serving: on its first
 * write to stdout (the sandbox command prints its credentials), a throw in a callback or a rejected
 * promise nobody awaits. The CLI has then installed its handlers, as it has in any command.
 */
function hook(kind: 'throw' | 'reject'): string {
  const fail = kind === 'throw' ? 'setImmediate(() => { throw new Error("boom in a callback"); })' : 'void Promise.reject(new Error("boom in a promise"))';
  const code = `const w = process.stdout.write.bind(process.stdout); let once = false; process.stdout.write = (...a) => { if (!once) { once = true; ${fail}; } return w(...a); };`;
  return `data:text/javascript,${encodeURIComponent(code)}`;
}

describe('an error nothing caught', () => {
  for (const kind of ['throw', 'reject'] as const) {
    it(`${kind === 'throw' ? 'an uncaught exception' : 'an unhandled rejection'} in the built CLI is logged and exits 3, not Node's 1`, async () => {
      const child = spawn(process.execPath, ['--import', hook(kind), CLI, 'sandbox', '--port', '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
      const r = await collect(child);
      expect(r.code, r.stderr).toBe(3);
      const line = JSON.parse(r.stderr.trim().split('\n').at(-1)!) as { level: number; msg: string; err: { message: string } };
      expect(line.level).toBe(60);
      expect(line.err.message).toMatch(/^boom in a/);
      expect(line.msg).toMatch(/rerun the same command/);
    });
  }

  it('the handler logs once and exits 3 even when the log line cannot be written', () => {
    const target = Object.assign(new EventEmitter(), { codes: [] as number[], exit(code: number) { this.codes.push(code); } });
    let text = '';
    exitThreeOnCrash(target, { write: (s: string) => ((text += s), true) });
    target.emit('uncaughtException', new Error('first'));
    target.emit('unhandledRejection', new Error('second'));
    expect(target.codes).toEqual([3]);
    expect(text).toContain('"message":"first"');
    expect(text).not.toContain('second');
    const broken = Object.assign(new EventEmitter(), { codes: [] as number[], exit(code: number) { this.codes.push(code); } });
    exitThreeOnCrash(broken, { write: () => { throw new Error('EPIPE'); } });
    expect(() => broken.emit('uncaughtException', new Error('x'))).toThrow('EPIPE');
    expect(broken.codes).toEqual([3]);
  });
});
