import { describe, expect, it } from "vitest";
import { decodedBody } from "../../src/http/content-encoding.ts";
import { AppError } from "../../src/http/errors.ts";
import { chunkedStream, concatBytes, gzip, utf8 } from "../helpers/bytes.ts";

/** Everything a stream yields, or the error its reading ends with. */
async function drain(stream: ReadableStream<Uint8Array>): Promise<{ bytes: Uint8Array; pulled: number } | AppError> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { bytes: concatBytes(...parts), pulled: parts.length };
      parts.push(value);
    }
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

describe("decodedBody", () => {
  it("hands an identity body over untouched", () => {
    const body = chunkedStream(utf8("a,b\n"));
    expect(decodedBody(body, undefined, 10)).toBe(body);
    expect(decodedBody(body, "identity", 10)).toBe(body);
    expect(decodedBody(body, " Identity ", 10)).toBe(body);
  });

  it("decompresses gzip read in small chunks", async () => {
    const text = "sku,name\nA-1,Çaydanlık\n".repeat(500);
    const out = await drain(decodedBody(chunkedStream(await gzip(utf8(text)), 13), "gzip", 1_000_000));
    expect(out).not.toBeInstanceOf(AppError);
    expect(new TextDecoder().decode((out as { bytes: Uint8Array }).bytes)).toBe(text);
  });

  it("cuts a body without Content-Length off once its compressed bytes pass the limit", async () => {
    const compressed = await gzip(crypto.getRandomValues(new Uint8Array(40_000)));
    const out = await drain(decodedBody(chunkedStream(compressed, 1000), "gzip", 10_000));
    expect(out).toBeInstanceOf(AppError);
    expect(out).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: "The compressed upload is larger than the limit of 10000 bytes",
    });
  });

  it("turns a decompression failure into MALFORMED_REQUEST", async () => {
    const out = await drain(decodedBody(chunkedStream(utf8("not gzip at all")), "gzip", 1000));
    expect(out).toMatchObject({ code: "MALFORMED_REQUEST", message: expect.stringContaining("not valid gzip") });
  });

  it("refuses every other coding with UNSUPPORTED_MEDIA_TYPE, before reading anything", () => {
    for (const coding of ["br", "deflate", "gzip, br", "compress"]) {
      let pulled = 0;
      const body = chunkedStream(utf8("x"), 1, () => pulled++);
      expect(() => decodedBody(body, coding, 10)).toThrow(expect.objectContaining({ code: "UNSUPPORTED_MEDIA_TYPE" }));
      expect(pulled).toBe(0);
    }
  });
});
