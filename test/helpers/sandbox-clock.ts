/**
 * The sandbox's clock (`SandboxOptions.now`), held by the test: it stands still until the test
 * moves it, so a delayed process stays `processing` however slow the machine is, and is over
 * exactly when the test says. `follow()` lets it run with real time from where it stands.
 */
export interface SandboxClock {
  now: () => number;
  advance(ms: number): void;
  follow(): void;
}

export function sandboxClock(): SandboxClock {
  let at = Date.now();
  let followingFrom: number | undefined;
  return {
    now: () => (followingFrom === undefined ? at : at + Date.now() - followingFrom),
    advance(ms) {
      at += ms;
    },
    follow() {
      followingFrom ??= Date.now();
    },
  };
}
