import type { JournalBinding } from '../../../src/journal/binding.js';

/** The binding the journal unit tests open their journals with. */
export const TEST_BINDING: JournalBinding = { origin: 'http://127.0.0.1:9', keyId: 'key_test', mode: 'test' };
