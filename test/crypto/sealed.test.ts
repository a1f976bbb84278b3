import { describe, expect, it } from "vitest";
import { fromBase64, toBase64Url, toHex } from "../../src/crypto/encoding.ts";
import { decodeKeyMaterial, importDataKey, importKeyring, type Keyring } from "../../src/crypto/keyring.ts";
import { type Sealed, seal, UnsealError, unseal } from "../../src/crypto/sealed.ts";

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** 32 fixed bytes; `0xfb 0xff` makes the base64 form contain '+' and '/' (and base64url '-' and '_'). */
const FIXED_A = Uint8Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? 0xfb : 0xff - i));
const FIXED_B = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 3);
const randomKey = () => crypto.getRandomValues(new Uint8Array(32));

const AAD = "integration:int_01HZX0000000000000000000AA:credentials";
const OTHER_AAD = "integration:int_01HZX0000000000000000000BB:credentials";

const credentials = {
  endpoint: "https://erp.example.com/api/v1",
  username: "entegrasyon_kullanıcısı",
  password: "ŞşİıĞğ-Üü-Öö-Çç",
  firmNo: 1,
  note: "İstanbul şubesi — ığdır",
};

function standardBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** The sealed value with one bit of its decoded ciphertext flipped at `index` (negative counts from the end). */
function flipBit(sealed: Sealed, index: number): Sealed {
  const bytes = fromBase64(sealed.ciphertext);
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return { ...sealed, ciphertext: toBase64Url(bytes) };
}

async function sealedSample(): Promise<{ keyring: Keyring; sealed: Sealed }> {
  const keyring = await importKeyring(FIXED_A);
  return { keyring, sealed: await seal(keyring, credentials, AAD) };
}

describe("seal / unseal", () => {
  it("round-trips a JSON object with Turkish characters", async () => {
    const { keyring, sealed } = await sealedSample();
    expect(sealed.keyId).toBe(keyring.current.id);
    expect(sealed.ciphertext).not.toContain("Ş");
    expect(sealed.ciphertext).toMatch(/^[A-Za-z0-9_-]+$/);
    await expect(unseal(keyring, sealed, AAD)).resolves.toEqual(credentials);
  });

  it("round-trips other JSON values (string, number, null, nested arrays)", async () => {
    const keyring = await importKeyring(randomKey());
    for (const value of ["ŞşİıĞğ", 42, null, [{ a: [1, "ğ"] }], {}]) {
      const sealed = await seal(keyring, value, AAD);
      await expect(unseal(keyring, sealed, AAD)).resolves.toEqual(value);
    }
  });

  it("gives different ciphertexts and different IVs for two seals of the same plaintext", async () => {
    const keyring = await importKeyring(FIXED_A);
    const first = await seal(keyring, credentials, AAD);
    const second = await seal(keyring, credentials, AAD);
    expect(first.ciphertext).not.toBe(second.ciphertext);
    const ivOf = (s: Sealed) => toHex(fromBase64(s.ciphertext).slice(0, IV_BYTES));
    expect(ivOf(first)).not.toBe(ivOf(second));
    await expect(unseal(keyring, first, AAD)).resolves.toEqual(credentials);
    await expect(unseal(keyring, second, AAD)).resolves.toEqual(credentials);
  });

  it("lays the ciphertext out as IV (12 bytes) ‖ body ‖ tag (16 bytes)", async () => {
    const keyring = await importKeyring(FIXED_A);
    const sealed = await seal(keyring, "abc", AAD);
    // JSON.stringify("abc") is 5 bytes, and GCM adds no padding.
    expect(fromBase64(sealed.ciphertext).length).toBe(IV_BYTES + 5 + TAG_BYTES);
  });
});

describe("unseal refuses tampered or misplaced ciphertexts", () => {
  it("rejects a ciphertext whose IV was changed", async () => {
    const { keyring, sealed } = await sealedSample();
    await expect(unseal(keyring, flipBit(sealed, 0), AAD)).rejects.toBeInstanceOf(UnsealError);
    await expect(unseal(keyring, flipBit(sealed, IV_BYTES - 1), AAD)).rejects.toThrow(/authentication failed/);
  });

  it("rejects a ciphertext whose body was changed", async () => {
    const { keyring, sealed } = await sealedSample();
    await expect(unseal(keyring, flipBit(sealed, IV_BYTES), AAD)).rejects.toBeInstanceOf(UnsealError);
    await expect(unseal(keyring, flipBit(sealed, IV_BYTES + 10), AAD)).rejects.toThrow(/authentication failed/);
  });

  it("rejects a ciphertext whose authentication tag was changed", async () => {
    const { keyring, sealed } = await sealedSample();
    await expect(unseal(keyring, flipBit(sealed, -1), AAD)).rejects.toBeInstanceOf(UnsealError);
    await expect(unseal(keyring, flipBit(sealed, -TAG_BYTES), AAD)).rejects.toThrow(/authentication failed/);
  });

  it("rejects a ciphertext opened with another owner's AAD (moved to another integration)", async () => {
    const { keyring, sealed } = await sealedSample();
    await expect(unseal(keyring, sealed, OTHER_AAD)).rejects.toBeInstanceOf(UnsealError);
    await expect(unseal(keyring, sealed, "")).rejects.toBeInstanceOf(UnsealError);
    // The untouched value still opens with its own AAD.
    await expect(unseal(keyring, sealed, AAD)).resolves.toEqual(credentials);
  });

  it("rejects a truncated ciphertext", async () => {
    const { keyring, sealed } = await sealedSample();
    const bytes = fromBase64(sealed.ciphertext);
    const shorterThanIvAndTag = { ...sealed, ciphertext: toBase64Url(bytes.slice(0, IV_BYTES + TAG_BYTES - 1)) };
    await expect(unseal(keyring, shorterThanIvAndTag, AAD)).rejects.toThrow(UnsealError);
    await expect(unseal(keyring, shorterThanIvAndTag, AAD)).rejects.toThrow(/truncated/);
    const lastByteCut = { ...sealed, ciphertext: toBase64Url(bytes.slice(0, -1)) };
    await expect(unseal(keyring, lastByteCut, AAD)).rejects.toBeInstanceOf(UnsealError);
    await expect(unseal(keyring, { ...sealed, ciphertext: "" }, AAD)).rejects.toBeInstanceOf(UnsealError);
  });

  it("rejects a ciphertext that is not base64", async () => {
    const { keyring, sealed } = await sealedSample();
    for (const ciphertext of ["not base64!", "%%%%", `${sealed.ciphertext}$`, "a=b="]) {
      await expect(unseal(keyring, { ...sealed, ciphertext }, AAD), ciphertext).rejects.toBeInstanceOf(UnsealError);
    }
  });

  it("rejects a ciphertext sealed with an unknown key id, naming that id", async () => {
    const { keyring, sealed } = await sealedSample();
    const unknown = { ...sealed, keyId: "0123456789abcdef" };
    await expect(unseal(keyring, unknown, AAD)).rejects.toBeInstanceOf(UnsealError);
    await expect(unseal(keyring, unknown, AAD)).rejects.toThrow(/0123456789abcdef/);
  });

  it("names the error UnsealError", async () => {
    const { keyring, sealed } = await sealedSample();
    const error = await unseal(keyring, sealed, OTHER_AAD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe("UnsealError");
  });
});

describe("key rotation", () => {
  it("opens values sealed under the previous key and seals new ones under the current key", async () => {
    const a = FIXED_A;
    const b = FIXED_B;
    const ringA = await importKeyring(a);
    const sealedUnderA = await seal(ringA, credentials, AAD);

    const rotating = await importKeyring(b, a);
    expect(rotating.previous?.id).toBe(ringA.current.id);
    expect(rotating.current.id).not.toBe(ringA.current.id);
    await expect(unseal(rotating, sealedUnderA, AAD)).resolves.toEqual(credentials);

    const resealed = await seal(rotating, credentials, AAD);
    expect(resealed.keyId).toBe(rotating.current.id);
    expect(resealed.keyId).not.toBe(sealedUnderA.keyId);

    const onlyB = await importKeyring(b);
    await expect(unseal(onlyB, resealed, AAD)).resolves.toEqual(credentials);
    await expect(unseal(onlyB, sealedUnderA, AAD)).rejects.toBeInstanceOf(UnsealError);
    await expect(unseal(onlyB, sealedUnderA, AAD)).rejects.toThrow(sealedUnderA.keyId);
  });

  it("does not open a ciphertext relabelled with another ring key's id", async () => {
    const rotating = await importKeyring(randomKey(), randomKey());
    const sealed = await seal(rotating, credentials, AAD);
    const previousId = rotating.previous?.id ?? "";
    await expect(unseal(rotating, { ...sealed, keyId: previousId }, AAD)).rejects.toBeInstanceOf(UnsealError);
  });
});

describe("decodeKeyMaterial", () => {
  it("accepts 32 bytes as padded base64", () => {
    const text = standardBase64(FIXED_A);
    expect(text).toMatch(/[+/]/);
    expect(text.endsWith("=")).toBe(true);
    expect(decodeKeyMaterial(text)).toEqual(FIXED_A);
  });

  it("accepts 32 bytes as base64url, padded or not", () => {
    const text = toBase64Url(FIXED_A);
    expect(text).toMatch(/[-_]/);
    expect(text).toHaveLength(43);
    expect(decodeKeyMaterial(text)).toEqual(FIXED_A);
    expect(decodeKeyMaterial(`${text}=`)).toEqual(FIXED_A);
  });

  it("accepts 32 bytes as 64 hex digits, in either case", () => {
    const hex = toHex(FIXED_B);
    expect(hex).toHaveLength(64);
    expect(decodeKeyMaterial(hex)).toEqual(FIXED_B);
    expect(decodeKeyMaterial(hex.toUpperCase())).toEqual(FIXED_B);
  });

  it("ignores surrounding whitespace (a trailing newline from a secrets file)", () => {
    expect(decodeKeyMaterial(`  ${standardBase64(FIXED_A)}\n`)).toEqual(FIXED_A);
  });

  it("rejects 31 and 33 bytes in every encoding", () => {
    for (const length of [31, 33]) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      expect(decodeKeyMaterial(standardBase64(bytes)), `base64 ${length}`).toBeNull();
      expect(decodeKeyMaterial(toBase64Url(bytes)), `base64url ${length}`).toBeNull();
      expect(decodeKeyMaterial(toHex(bytes)), `hex ${length}`).toBeNull();
    }
  });

  it("rejects a 43-character passphrase that only happens to use base64's alphabet", () => {
    const passphrase = "definitely-not-a-valid-encryption-key-value";
    expect(passphrase).toHaveLength(43);
    expect(decodeKeyMaterial(passphrase)).toBeNull();
  });

  it("rejects a 32-character ASCII passphrase", () => {
    const passphrase = "your-32-char-encryption-key-here";
    expect(passphrase).toHaveLength(32);
    expect(decodeKeyMaterial(passphrase)).toBeNull();
    expect(decodeKeyMaterial("abcdefghijklmnopqrstuvwxyz012345")).toBeNull();
  });

  it("rejects garbage", () => {
    for (const text of ["", "   ", "not a key!", "%%%%%%%%", "====", "a", "zz".repeat(32), `0x${"00".repeat(32)}`]) {
      expect(decodeKeyMaterial(text), JSON.stringify(text)).toBeNull();
    }
  });
});

describe("key ids", () => {
  it("are 16 lowercase hex characters: the first 8 bytes of SHA-256(key)", async () => {
    const key = await importDataKey(FIXED_A);
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", FIXED_A));
    expect(key.id).toBe(toHex(digest.slice(0, 8)));
  });

  it("are stable for the same key and differ between keys", async () => {
    const first = await importDataKey(FIXED_A);
    const again = await importDataKey(Uint8Array.from(FIXED_A));
    const other = await importDataKey(FIXED_B);
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    const fromText = decodeKeyMaterial(toHex(FIXED_A));
    expect(fromText).not.toBeNull();
    expect((await importDataKey(fromText ?? new Uint8Array())).id).toBe(first.id);
  });
});
