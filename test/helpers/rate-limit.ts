/**
 * Waits, when the current window of a Rate Limiting binding ends within `marginMs`, until the
 * next one begins. The binding's windows are fixed and aligned to the wall clock (Miniflare's
 * ratelimit object: epoch = floor(now / period)), which no test can move; a burst that straddled
 * two windows would be counted half in each and the limit would not be reached.
 */
export async function awayFromWindowEdge(periodSeconds = 60, marginMs = 5000): Promise<void> {
  const periodMs = periodSeconds * 1000;
  const left = periodMs - (Date.now() % periodMs);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 20));
}
