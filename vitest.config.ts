import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Hang detectors, not speed limits (speed belongs to `npm run bench`): a test takes a few seconds
    // at most on a quiet machine, and several times that beside another full suite on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Threads sharing one module graph: each file no longer loads the CLI, undici, zod and pino
    // again (this halves the suite's CPU time). Tests keep their state in their own temp folders
    // and sandboxes, and a file that changes something global (spies) restores it.
    pool: 'threads',
    isolate: false,
    // On the usual 2 cores the default is one worker; most files wait on loopback HTTP, fsync or a
    // child process, so a third worker fills those waits.
    maxWorkers: 3,
  },
});
