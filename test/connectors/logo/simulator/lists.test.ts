import { describe, expect, it } from "vitest";
import { configureLogo, logoSim, touchLogo } from "../../../helpers/logo.ts";
import { api, modelState, q, tenantWith } from "./call.ts";

const link = (href: string) => ({ href, mediaType: "application/json; charset=UTF-8", apiVersion: "1.0" });
const refs = (body: any) => body.items.map((i: any) => i.INTERNAL_REFERENCE);

describe("the Logo simulator: the list envelope", () => {
  it("pages by the server's default of 10 with Meta, first, next and previous as { href } objects", async () => {
    const { tenant, token } = await tenantWith("envelope", { items: 25 });
    const base = `https://sims.test/logo/${tenant}/api/v1/items`;
    const first = await api(tenant, "/items", { token });
    expect(first.body).toEqual({
      Meta: link(`${base}?offset=0&limit=10`),
      offset: 0,
      count: 10,
      limit: 10,
      first: link(`${base}?offset=0&limit=10`),
      next: link(`${base}?offset=10&limit=10`),
      previous: null,
      items: expect.any(Array),
    });
    expect(first.body.items[0].Meta).toEqual(link(`${base}/1`));
    const next = await fetch(first.body.next.href, { headers: { authorization: `Bearer ${token}` } });
    const second = (await next.json()) as any;
    expect(refs(second)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(second.previous).toEqual(link(`${base}?offset=0&limit=10`));
    const last = await api(tenant, "/items?offset=20&q=INTERNAL_REFERENCE%20gt%200", { token });
    expect(last.body).toMatchObject({
      offset: 20,
      count: 5,
      next: null,
      previous: link(`${base}?q=INTERNAL_REFERENCE+gt+0&offset=10&limit=10`),
    });
  });

  it("counts with withCount=true (or count=true) only, and clamps limit to maxLimit", async () => {
    const { tenant, token } = await tenantWith("envelope-count", { items: 1200 });
    expect((await api(tenant, "/items?limit=1", { token })).body).not.toHaveProperty("totalCount");
    expect((await api(tenant, "/items?limit=1&withCount=true", { token })).body.totalCount).toBe(1200);
    expect((await api(tenant, "/items?limit=1&count=true", { token })).body.totalCount).toBe(1200);
    expect((await api(tenant, "/items?limit=5000", { token })).body).toMatchObject({ limit: 1000, count: 1000 });
    await configureLogo(tenant, { defaultLimit: 25, maxLimit: 100 });
    expect((await api(tenant, "/items", { token })).body).toMatchObject({ limit: 25, count: 25 });
    expect((await api(tenant, "/items?limit=500", { token })).body).toMatchObject({ limit: 100, count: 100 });
  });

  it("gives next as a bare URL with nextLink string, and leaves it out on the last page with lastPageNext absent", async () => {
    const { tenant, token } = await tenantWith("envelope-links", { items: 15, nextLink: "string" });
    const page = await api(tenant, "/items", { token });
    expect(page.body.next).toBe(`https://sims.test/logo/${tenant}/api/v1/items?offset=10&limit=10`);
    expect((await api(tenant, "/items?offset=10", { token })).body.next).toBeNull();
    await configureLogo(tenant, { lastPageNext: "absent", nextLink: "object" });
    expect((await api(tenant, "/items", { token })).body.next).toEqual(
      expect.objectContaining({ href: expect.any(String) }),
    );
    expect((await api(tenant, "/items?offset=10", { token })).body).not.toHaveProperty("next");
  });

  it("hands out links on advertisedOrigin, which reach the simulator under that host when followed", async () => {
    const { tenant, token } = await tenantWith("envelope-origin", {
      items: 15,
      advertisedOrigin: "http://172.16.57.114:32001",
    });
    const page = await api(tenant, "/items", { token });
    expect(page.body.next.href).toBe(`http://172.16.57.114:32001/logo/${tenant}/api/v1/items?offset=10&limit=10`);
    expect(page.body.items[0].Meta.href).toBe(`http://172.16.57.114:32001/logo/${tenant}/api/v1/items/1`);
    const followed = await fetch(page.body.next.href, { headers: { authorization: `Bearer ${token}` } });
    expect(followed.status).toBe(200);
    expect((await logoSim(tenant, "GET", "/stats")).hosts).toEqual({ "sims.test": 1, "172.16.57.114:32001": 1 });
    await configureLogo(tenant, { advertisedOrigin: null });
    expect((await api(tenant, "/items", { token })).body.next.href).toMatch(/^https:\/\/sims\.test\//);
  });

  it("refuses an offset or limit that is no whole number, keyed by the parameter", async () => {
    const { tenant, token } = await tenantWith("envelope-bad");
    expect(await api(tenant, "/items?offset=-1", { token })).toMatchObject({ status: 400, body: modelState("offset") });
    expect(await api(tenant, "/items?limit=ten", { token })).toMatchObject({ status: 400, body: modelState("limit") });
  });
});

describe("the Logo simulator: fields and sort", () => {
  it("projects fields named in any case, and sorts by a list of fields asc or desc, ties by reference", async () => {
    const { tenant, token } = await tenantWith("sort", { items: 40 });
    const projected = await api(tenant, "/items?limit=2&fields=code,Unitset_Code", { token });
    expect(projected.body.items).toEqual([
      { Meta: expect.any(Object), CODE: "ITM-000001", UNITSET_CODE: "ADET" },
      { Meta: expect.any(Object), CODE: "ITM-000002", UNITSET_CODE: "ADET" },
    ]);
    const sorted = await api(
      tenant,
      "/items?limit=40&sort=UNITSET_CODE desc,INTERNAL_REFERENCE desc&fields=INTERNAL_REFERENCE",
      { token },
    );
    expect(refs(sorted.body).slice(0, 9)).toEqual([40, 35, 30, 25, 20, 15, 10, 5, 39]);
    const ties = await api(tenant, "/items?limit=3&sort=UNITSET_CODE", { token });
    expect(refs(ties.body)).toEqual([1, 2, 3]);
  });

  it("answers 207 for a field it does not have in sort or fields, 102 for a bad direction", async () => {
    const { tenant, token } = await tenantWith("sort-bad");
    expect(await api(tenant, "/items?sort=COLOUR", { token })).toMatchObject({
      status: 400,
      body: modelState("207", "Invalid column name 'COLOUR'."),
    });
    expect(await api(tenant, "/items?fields=CODE,COLOUR", { token })).toMatchObject({
      status: 400,
      body: modelState("207"),
    });
    expect(await api(tenant, "/items?sort=CODE%20down", { token })).toMatchObject({
      status: 400,
      body: modelState("102", "Incorrect syntax near 'down'."),
    });
  });
});

describe("the Logo simulator: q", () => {
  it("filters with eq/neq/ne/gt/gte/ge/lt/lte/le, and/or, parentheses, keywords and fields in any case", async () => {
    const { tenant, token } = await tenantWith("filter", { items: 30 });
    const match = async (expr: string) => refs((await api(tenant, `/items?limit=100&q=${q(expr)}`, { token })).body);
    expect(await match("INTERNAL_REFERENCE le 3 or INTERNAL_REFERENCE ge 29")).toEqual([1, 2, 3, 29, 30]);
    expect(await match("internal_reference lte 2 OR Internal_Reference GTE 30")).toEqual([1, 2, 30]);
    expect(await match("(INTERNAL_REFERENCE lt 5 or INTERNAL_REFERENCE gt 27) and UNITSET_CODE eq 'KG'")).toEqual([30]);
    expect(await match("CODE eq 'itm-000004' Or (INTERNAL_REFERENCE gt 1 And INTERNAL_REFERENCE lt 3)")).toEqual([
      2, 4,
    ]);
    expect((await match("INTERNAL_REFERENCE neq 1")).length).toBe(29);
    expect((await match("INTERNAL_REFERENCE ne 1")).length).toBe(29);
    expect(await match("CODE eq 'O''Brien'")).toEqual([]);
    expect(await match("VAT eq '20' and INTERNAL_REFERENCE lt 4")).toEqual(
      await match("VAT eq 20 and INTERNAL_REFERENCE lt 4"),
    );
  });

  it("matches like with * (or %) wildcards, without case", async () => {
    const { tenant, token } = await tenantWith("filter-like", { items: 30 });
    const match = async (expr: string) => refs((await api(tenant, `/items?limit=100&q=${q(expr)}`, { token })).body);
    expect(await match("CODE like 'ITM-00001*'")).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(await match("CODE like '*0002%'")).toEqual([2, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(await match("code LIKE 'itm-000030'")).toEqual([30]);
  });

  it("compares date fields with 'dd.mm.yyyy', 'yyyy-mm-dd' and 'yyyy-mm-ddThh:mm:ss' as instants", async () => {
    const { tenant, token } = await tenantWith("filter-dates", { items: 6 });
    await touchLogo(tenant, { codes: ["ITM-000001"], at: "2021-05-15T10:30:00" });
    await touchLogo(tenant, { codes: ["ITM-000002"], at: "2021-05-16T00:00:00" });
    const match = async (expr: string) => refs((await api(tenant, `/items?q=${q(expr)}`, { token })).body);
    expect(await match("DATE_MODIFIED eq '15.05.2021'")).toEqual([1]);
    expect(await match("DATE_MODIFIED eq '2021-05-15'")).toEqual([1]);
    expect(await match("DATE_MODIFIED eq '2021-05-15T00:00:00'")).toEqual([1]);
    expect(await match("DATE_MODIFIED gt '2021-05-15T10:30:00' and DATE_MODIFIED lt '01.01.2022'")).toEqual([2]);
    expect(await match("DATE_MODIFIED eq '1899-12-30'")).toEqual([3, 6]);
    expect(await api(tenant, `/items?q=${q("DATE_MODIFIED gt 'yesterday'")}`, { token })).toMatchObject({
      status: 400,
      body: modelState("241", "Conversion failed when converting date and/or time from character string."),
    });
  });

  it("answers SQL Server's errors: 207 for an unknown field, 102 for bad syntax, 245 for a number against text", async () => {
    const { tenant, token } = await tenantWith("filter-bad");
    for (const [expr, key, text] of [
      ["COLOUR eq 'red'", "207", "Invalid column name 'COLOUR'."],
      ["CODE eq", "102", "Incorrect syntax near 'eq'."],
      ["CODE = 'x'", "102", "Incorrect syntax near '='."],
      ["(CODE eq 'x'", "102", "Incorrect syntax near 'x'."],
      ["CODE eq 'x' and", "102", "Incorrect syntax near 'and'."],
      ["CODE eq 'x", "105", expect.stringContaining("Unclosed quotation mark")],
      ["CODE eq 5", "245", "Conversion failed when converting the nvarchar value 'ITM-000001' to data type int."],
    ] as const) {
      expect(await api(tenant, `/items?q=${q(expr)}`, { token }), expr).toMatchObject({
        status: 400,
        body: modelState(key, text),
      });
    }
    expect(await logoSim(tenant, "GET", "/stats")).toMatchObject({ requests: 7 });
  });
});
