import { newId } from "../db/ids.ts";

// A run that reads an upload instead of the integration's own source carries it in its
// `source` column as `upload:<id>`; these are the only places that spell that out.
const PREFIX = "upload:";

/** A new upload id (`upl_…`). */
export const newUploadId = (): string => newId("upl");

/** The `source` of a run that reads upload `uploadId`. */
export const uploadSource = (uploadId: string): string => `${PREFIX}${uploadId}`;

/** `upload:upl_…` -> `upl_…`; null when a run reads the integration's own source. */
export function uploadIdOf(source: string | null | undefined): string | null {
  return source?.startsWith(PREFIX) ? source.slice(PREFIX.length) : null;
}
