/**
 * `work` one run at a time: asks that come while it runs (a burst of finished requests) make one
 * more run after it, however many they were. A run that throws ends the round; the caller sees it.
 */
export function coalesced(work: () => Promise<void>): () => Promise<void> {
  let running = false;
  let again = false;
  return async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await work();
      } while (again);
    } finally {
      running = false;
    }
  };
}
