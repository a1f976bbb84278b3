import { AppError } from "./errors.ts";

/**
 * A request body with its `Content-Encoding` undone, as a stream: the runtime hands bodies over
 * as sent (fetch never decodes requests), so a gzip upload would otherwise be stored compressed.
 * `identity` or none: the body as is. `gzip`: decompressed as it is read, never whole in memory,
 * so the caller's size limit counts decompressed bytes and stops a gzip bomb after that many.
 * The compressed bytes are capped at `maxBytes` too (a valid gzip can be long and decompress
 * to nothing). `x-gzip` is gzip (RFC 9110 §8.4.1.3). Anything else is a 415 naming what is
 * accepted: no other coding is needed for a CSV, and each one is more decoder to trust.
 *
 * Errors come out of the returned stream's reads: a body that is not valid gzip as
 * AppError("MALFORMED_REQUEST"), too many compressed bytes as AppError("PAYLOAD_TOO_LARGE").
 *
 * @example const file = decodedBody(c.req.raw.body, c.req.header("content-encoding"), maxUploadBytes)
 */
export function decodedBody(
  body: ReadableStream<Uint8Array>,
  contentEncoding: string | undefined,
  maxBytes: number,
): ReadableStream<Uint8Array> {
  const codings = (contentEncoding ?? "")
    .split(",")
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== "" && coding !== "identity");
  if (codings.length === 0) return body;
  if (codings.length === 1 && (codings[0] === "gzip" || codings[0] === "x-gzip")) return gunzip(body, maxBytes);
  throw new AppError(
    "UNSUPPORTED_MEDIA_TYPE",
    `Content-Encoding '${contentEncoding}' is not supported; send the file uncompressed or with Content-Encoding: gzip`,
  );
}

function gunzip(body: ReadableStream<Uint8Array>, maxBytes: number): ReadableStream<Uint8Array> {
  let compressed = 0;
  // Kept here: an error travelling through DecompressionStream comes out as another object.
  let tooLarge: AppError | undefined;
  const capped = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        compressed += chunk.byteLength;
        if (compressed > maxBytes) {
          tooLarge = new AppError(
            "PAYLOAD_TOO_LARGE",
            `The compressed upload is larger than the limit of ${maxBytes} bytes`,
          );
          controller.error(tooLarge);
        } else {
          controller.enqueue(chunk);
        }
      },
    }),
  );
  const reader = capped.pipeThrough(new DecompressionStream("gzip")).getReader();
  // Pulled one chunk at a time, so nothing is decompressed ahead of the caller's limit check.
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          controller.error(tooLarge ?? notGzip(error));
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

function notGzip(cause: unknown): AppError {
  const detail = cause instanceof Error ? `: ${cause.message}` : "";
  return new AppError(
    "MALFORMED_REQUEST",
    `The body is not valid gzip (Content-Encoding: gzip)${detail}; compress the file as one gzip stream, or send it uncompressed`,
    { cause },
  );
}
