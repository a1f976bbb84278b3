/**
 * A request's body as bytes, or null when it is larger than `maxBytes`: a declared
 * Content-Length over the limit is refused before reading, and a body without one (chunked) is
 * read only up to the limit, so an oversized body never sits in memory.
 */
export async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return null;
  if (!request.body) return new Uint8Array(0);
  // Over HTTP a declared length is what arrives, so a body declared within the limit is read in
  // one go (checked again, for a Request built in-process with a length that does not match).
  if (Number.isFinite(declared)) {
    const body = new Uint8Array(await request.arrayBuffer());
    return body.byteLength > maxBytes ? null : body;
  }
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    parts.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return body;
}
