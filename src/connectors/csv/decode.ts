/** The text encodings a CSV file may be in. */
export type CsvEncoding = "utf-8" | "windows-1254";

/** Turns field bytes into text. */
export interface FieldDecoder {
  /** The text, or undefined when the bytes are not valid in the encoding. */
  decode(bytes: Uint8Array): string | undefined;
  /** Always text, with U+FFFD for bad bytes: for naming a row in an error, never for data. */
  loose(bytes: Uint8Array): string;
}

/**
 * Fields are decoded one by one after parsing, never the stream as a whole: every CSV structural
 * character is ASCII in both encodings, so the parser can split bytes and each field is then a
 * complete byte sequence. UTF-8 is decoded strictly (`fatal`): a Windows export read as UTF-8
 * makes its rows malformed, with a hint, instead of silently storing mojibake like "�zel".
 * (The reverse, UTF-8 read as windows-1254, cannot be detected: every byte is valid there.)
 */
export function fieldDecoder(encoding: CsvEncoding): FieldDecoder {
  // ignoreBOM keeps a U+FEFF inside a field; the file's own BOM is stripped before parsing.
  const strict = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  const loose = new TextDecoder(encoding, { fatal: false, ignoreBOM: true });
  return {
    decode(bytes) {
      try {
        return strict.decode(bytes);
      } catch {
        return undefined;
      }
    },
    loose(bytes) {
      return loose.decode(bytes);
    },
  };
}

/** Why a row could not be decoded, with the likely fix. */
export function undecodableReason(encoding: CsvEncoding): string {
  return encoding === "utf-8"
    ? "row is not valid UTF-8; if the file was saved by Excel on Windows, set encoding to windows-1254"
    : `row is not valid ${encoding}`;
}
