/**
 * Delay before retrying a message that failed on its `attempts`-th delivery (1-based):
 * exponential from `baseSeconds`, capped, with "equal jitter" (between half and all of the
 * step) so that a burst of failures does not come back as a burst. An upstream `Retry-After`
 * wins when it asks for longer. Queues accept at most 12 hours of delay.
 */
export function retryDelaySeconds(
  attempts: number,
  options: { baseSeconds: number; capSeconds: number; retryAfterSeconds?: number | undefined; random?: () => number },
): number {
  const { baseSeconds, capSeconds, retryAfterSeconds, random = Math.random } = options;
  const step = Math.min(capSeconds, baseSeconds * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(step / 2 + random() * (step / 2));
  return Math.min(43_200, Math.max(jittered, Math.ceil(retryAfterSeconds ?? 0)));
}
