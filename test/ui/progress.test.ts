import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/ui/progress.js';

function plainProgress(): { progress: ReturnType<typeof createProgress>; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { progress: createProgress(stream, 60_000), text: () => text };
}

describe('the plain progress line', () => {
  it('counts invalid rows apart from the rows that need attention, in words that agree with the count', () => {
    const { progress, text } = plainProgress();
    progress.begin(4);
    progress.row('invalid');
    progress.row('invalid');
    progress.row('processed');
    progress.row('error');
    progress.end();
    expect(text()).toMatch(/^4\/4 rows · \d+ rows\/s · 1 needs attention · 2 invalid · eta 0s\n$/);
  });

  it('after a stop, does not count rows that never started as done', () => {
    const { progress, text } = plainProgress();
    progress.begin(5);
    progress.row('processed');
    progress.row('not_started');
    progress.row('not_started');
    progress.row('not_started');
    progress.row('not_started');
    progress.end();
    expect(text()).toMatch(/^1\/5 rows · \d+ rows\/s · 0 need attention · 4 not started · eta 0s\n$/);
  });
});
