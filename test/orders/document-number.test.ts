import { describe, expect, it } from "vitest";
import { documentNumber } from "../../src/orders/document-number.ts";

describe("documentNumber", () => {
  it("keeps an order number that fits the ERP's field, and any number when the field has no limit", async () => {
    expect(await documentNumber("SO-2026-0001", 15)).toBe("SO-2026-0001");
    expect(await documentNumber("123456789012345", 15)).toBe("123456789012345");
    expect(await documentNumber("A".repeat(64), undefined)).toBe("A".repeat(64));
  });

  it("maps a longer one to a hash and its tail that fit, the same every time", async () => {
    const mapped = await documentNumber("SO-2026-000123456", 15);
    expect(mapped).toMatch(/^[0-9A-HJKMNP-TV-Z]{6}-00123456$/);
    expect(mapped).toHaveLength(15);
    expect(await documentNumber("SO-2026-000123456", 15)).toBe(mapped);
    expect(await documentNumber("SO-2026-000123456", 16)).toMatch(/^[0-9A-HJKMNP-TV-Z]{6}-000123456$/);
  });

  it("never makes two order numbers one, even when they share the tail the ERP keeps", async () => {
    const numbers = Array.from({ length: 2000 }, (_, i) => `MARKET-${i}-ORDER-00012345`);
    const mapped = await Promise.all(numbers.map((n) => documentNumber(n, 15)));
    expect(new Set(mapped).size).toBe(numbers.length);
    expect(mapped.every((m) => m.length <= 15 && m.endsWith("-00012345"))).toBe(true);
  });
});
