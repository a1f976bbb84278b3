import { describe, expect, it } from "vitest";
import { hiddenCharacterProblem } from "../../src/http/plain-text.ts";

describe("hiddenCharacterProblem", () => {
  it("names the first hidden character and where it is, counting characters, not UTF-16 units", () => {
    expect(hiddenCharacterProblem("Main\u202eStore")).toBe(
      "must not contain control, bidirectional or invisible characters (found U+202E at character 5)",
    );
    expect(hiddenCharacterProblem("☕😀\u0000")).toContain("found U+0000 at character 3");
    expect(hiddenCharacterProblem("\u0085")).toContain("U+0085"); // C1 NEXT LINE
    expect(hiddenCharacterProblem("a\u00adb")).toContain("U+00AD"); // soft hyphen
    expect(hiddenCharacterProblem("a\u2066b")).toContain("U+2066");
    expect(hiddenCharacterProblem("x\udfff")).toContain("U+DFFF");
  });

  it("accepts ordinary text in any script, emoji, spaces and punctuation", () => {
    for (const text of ["Çarşı İzmir", "متجر", "東京店", "Магазин №1", "☕ 😀", "a b\u00a0c", "=SUM(A1) & <b>"]) {
      expect(hiddenCharacterProblem(text), text).toBeUndefined();
    }
  });
});
