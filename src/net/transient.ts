/**
 * Whether an upstream's own words say a failure will pass — a timeout, a deadlock or lock, a
 * busy server, a lost connection, "try again" — in Turkish or English, as ERPs installed in
 * Türkiye answer. Anything else (an unknown stock code, a closed period, a missing field) would
 * get the same answer again, so it is not worth a retry.
 */
const TRANSIENT =
  /time-?out|timed out|zaman aşımı|deadlock|\block(ed)?\b|kilitl|meşgul|busy|tekrar deneyin|try again|bağlantı (koptu|kesildi)|connection (lost|reset|closed)|temporar|geçici|unavailable/iu;

export function isTransientWording(words: string | undefined): boolean {
  return words !== undefined && TRANSIENT.test(words);
}
