import { vi } from "vitest";

export interface EventuallyOptions {
  /** How long to keep asking, in ms (15 s unless told). */
  timeout?: number;
  /** How long between two questions, in ms (50 unless told). */
  interval?: number;
  /** What to say when time runs out, given the last answer `check` returned. */
  message?: (last: unknown) => string;
}

/**
 * Asks `check` again and again until it returns something truthy, and returns that: the one way
 * a test waits for work the queue or a Durable Object does behind its back. A `check` that
 * throws (a failed `expect`) ends the wait at once. Example:
 * `const run = await eventually(async () => { const r = await readRun(id); return r.done && r; })`.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  options: EventuallyOptions = {},
): Promise<Exclude<T, false | null | undefined | 0 | "">> {
  let last: unknown;
  try {
    return (await vi.waitUntil(
      async () => {
        last = await check();
        return last;
      },
      { timeout: options.timeout ?? 15_000, interval: options.interval ?? 50 },
    )) as Exclude<T, false | null | undefined | 0 | "">;
  } catch (error) {
    if (options.message && error instanceof Error && /timed out/i.test(error.message)) {
      throw new Error(options.message(last), { cause: error });
    }
    throw error;
  }
}
