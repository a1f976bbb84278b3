/** Storage is shared by the tests of a file: tests that need a clean slate use fresh merchant ids. */
export const newMerchant = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;

/** Lets the clock move on, so that timestamps written before and after differ. */
export const pause = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A client address of its own (a random IPv6 /64): repeated security events are counted per
 * source, so a test that looks for one request's audit entry sends it from its own address.
 */
export const newClientAddress = () => {
  const hex = () => Math.floor(Math.random() * 0x10000).toString(16);
  return `2001:db8:${hex()}:${hex()}::1`;
};
