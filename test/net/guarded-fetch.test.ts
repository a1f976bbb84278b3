import { describe, expect, it } from "vitest";
import { guardedFetch } from "../../src/net/guarded-fetch.ts";
import { UpstreamError } from "../../src/net/upstream-error.ts";
import { captured, captureUrl, putFile, redirectUrl, SIMS } from "../helpers/sims.ts";

// The guarded fetch against the simulators: redirects come from simulators/redirects, and a
// capture endpoint on "another host" shows what would have reached it.
const strict = guardedFetch({ allowLoopbackHttp: false });
const dev = guardedFetch({ allowLoopbackHttp: true });
const key = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;
const bearer = { Authorization: "Bearer file-token-1" };

async function refusal(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => expect.fail("the call should have been refused"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  expect((error as UpstreamError).retryable).toBe(false);
  return error as UpstreamError;
}

describe("guardedFetch: redirects within the configured origin", () => {
  it("follows a redirect on the same host and sends the credentials there", async () => {
    const name = `${key("same")}.csv`;
    const file = await putFile(name, "sku\nA-1\n", { "x-require-authorization": bearer.Authorization });
    const res = await strict(redirectUrl(new URL(file).pathname), { headers: bearer });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("sku\nA-1\n");
  });

  it.each([301, 302, 303, 307, 308])("follows a %i", async (status) => {
    const k = key(`s${status}`);
    const res = await strict(redirectUrl(`/redirects/capture/${k}`, { status }), { headers: bearer });
    expect(res.status).toBe(200);
    await res.body?.cancel();
    expect((await captured(k)).requests).toMatchObject([{ host: "sims.test", authorization: true }]);
  });

  it("follows three redirects and refuses the fourth, calling nothing after it", async () => {
    const k = key("hops");
    const chain = (hops: number) => {
      let url = `/redirects/capture/${k}`;
      for (let i = 0; i < hops; i++) url = redirectUrl(url);
      return url;
    };
    const three = await strict(chain(3));
    expect(three.status).toBe(200);
    await three.body?.cancel();
    expect((await captured(k)).count).toBe(1);

    const error = await refusal(strict(chain(4)));
    expect(error.message).toBe("sims.test redirected more than 3 times; configure the final URL");
    expect((await captured(k)).count).toBe(1);
  });

  it("does not repeat a POST at the Location it is redirected to", async () => {
    const k = key("post");
    const error = await refusal(
      strict(redirectUrl(`/redirects/capture/${k}`, { status: 307 }), { method: "POST", body: "x", headers: bearer }),
    );
    expect(error.message).toMatch(/^sims\.test answered a POST with a redirect \(307\)/);
    expect((await captured(k)).count).toBe(0);
  });
});

describe("guardedFetch: redirects that would take credentials elsewhere", () => {
  const credentialHeaders = {
    bearer: { Authorization: "Bearer file-token-1" },
    basic: { Authorization: `Basic ${btoa("files:pa55word")}` },
    cookie: { Cookie: "session=abc" },
    "a custom header": { "X-Api-Key": "k-123" },
  };

  it.each(Object.entries(credentialHeaders))(
    "refuses a redirect to another host with %s credentials",
    async (_, headers) => {
      const k = key("cross");
      const error = await refusal(strict(redirectUrl(captureUrl(k, "https://evil.test")), { headers }));
      expect(error.message).toBe(
        "sims.test redirected to evil.test; the gateway does not send credentials to another host — configure the final URL",
      );
      expect((await captured(k)).count).toBe(0);
    },
  );

  it("treats another port or a subdomain as another host", async () => {
    for (const origin of ["https://sims.test:8443", "https://files.sims.test"]) {
      const k = key("origin");
      const error = await refusal(strict(redirectUrl(captureUrl(k, origin)), { headers: bearer }));
      expect(error.message).toContain(`redirected to ${new URL(origin).host};`);
      expect((await captured(k)).count).toBe(0);
    }
  });

  it("refuses a redirect from https to http on the same host, even where loopback http is allowed", async () => {
    const k = key("downgrade");
    const error = await refusal(
      dev(redirectUrl(captureUrl(k, "http://localhost:8790"), { origin: "https://localhost:8790" }), {
        headers: bearer,
      }),
    );
    expect(error.message).toMatch(/^localhost:8790 redirected from https to http \(localhost:8790\)/);
    expect((await captured(k)).count).toBe(0);
  });

  it("refuses a redirect to a private address, and never calls it", async () => {
    const k = key("metadata");
    const error = await refusal(strict(redirectUrl(captureUrl(k, "https://169.254.169.254")), { headers: bearer }));
    expect(error.message).toContain("redirected to 169.254.169.254;");
    expect((await captured(k)).count).toBe(0);
  });
});

describe("guardedFetch: what its errors show of a URL", () => {
  it("names the host only, never the path or query of the configured URL", async () => {
    const secretUrl = `${SIMS}/redirects/302?to=${encodeURIComponent("https://evil.test/x")}&token=s3cret-path-part`;
    const crossed = await refusal(strict(secretUrl, { headers: bearer }));
    expect(crossed.message).not.toMatch(/s3cret|redirects\/302|\/x\b/);

    const refused = await refusal(strict("https://10.0.0.7/s3cret-token/stock.csv?sig=abc"));
    expect(refused.message).toBe(
      "Refused to call 10.0.0.7: the URL must not point at a private, link-local or reserved address (10.0.0.7 is private)",
    );
  });

  it("returns a plain answer as it is, without following anything", async () => {
    const res = await strict(`${SIMS}/files/${key("missing")}.csv`);
    expect(res.status).toBe(404);
    await res.body?.cancel();
  });
});
