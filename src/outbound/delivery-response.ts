import type { AttemptErrorClass } from "../db/outbound-schema.ts";

/**
 * What kind of failure a rejected `fetch` was. Only the timeout is certain: our own
 * `AbortSignal.timeout` rejects with a `TimeoutError`. workerd does not give fetch errors a code;
 * it throws a `TypeError` or an `Error` whose message is all there is, and most network failures
 * (refused, reset, unreachable) read "Network connection lost." or "internal error". So DNS and
 * TLS are recognised only when the message says so, and everything else counts as "connection".
 * On Cloudflare's edge some of these do not throw at all but come back as answers (a 52x status
 * from Cloudflare itself); those are classed "http" with their status, which is what was received.
 */
export function classifyFetchError(error: unknown): Exclude<AttemptErrorClass, "http" | "redirect" | "refused_url"> {
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "TimeoutError" || name === "AbortError") return "timeout";
  if (/\bdns\b|name (not )?resolv|could not resolve|getaddrinfo|ENOTFOUND|no such host|lookup/i.test(message))
    return "dns";
  if (/\btls\b|\bssl\b|certificate|handshake/i.test(message)) return "tls";
  return "connection";
}

/**
 * The first `limit` bytes of an answer as text, the rest cancelled unread: a receiver may answer a
 * delivery with a whole HTML page, and the log keeps only a glimpse. Decoding in streaming mode
 * leaves out a character cut in half at the limit instead of showing a replacement character.
 */
export async function readFirstBytes(response: Response, limit: number): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // The answer broke off mid-body: what arrived is still worth logging.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
    if (offset >= bytes.length) break;
  }
  return new TextDecoder("utf-8", { fatal: false, ignoreBOM: false }).decode(bytes, { stream: true });
}
