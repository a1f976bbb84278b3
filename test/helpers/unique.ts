/** Storage is shared by the tests of a file: tests that need a clean slate use fresh merchant ids. */
export const newMerchant = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;

/** Lets the clock move on, so that timestamps written before and after differ. */
export const pause = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));
