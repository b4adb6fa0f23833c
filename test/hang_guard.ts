/**
 * Hang guards: how long a test waits for an event before it calls the event
 * lost. They are not speed targets (the benches measure speed); their only
 * job is to end a test that would otherwise wait forever. A shared 2-core CI
 * machine can be many times slower than a quiet one, so every guard is the
 * time the wait takes on a quiet machine with a wide margin, multiplied by
 * SWAPSIM_TEST_TIMEOUT_SCALE (default 5).
 */
const DEFAULT_SCALE = 5;

function scale(): number {
  const value = Number(process.env.SWAPSIM_TEST_TIMEOUT_SCALE ?? DEFAULT_SCALE);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_SCALE;
}

/** The guard for a wait of `ms` on a quiet machine. */
export function hangGuard(ms: number): number {
  return Math.round(ms * scale());
}

/** `promise`, or a rejection naming `what` once its hang guard (`ms` on a quiet machine) has passed. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const guard = hangGuard(ms);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${guard} ms waiting for ${what}`)), guard);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
