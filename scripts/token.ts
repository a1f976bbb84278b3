/**
 * Mints a development JWT with the local JWT_SECRET (.dev.vars) and prints it.
 *
 *   npm run -s token -- --role admin
 *   npm run -s token -- --role merchant --merchant merchant-123 --ttl 3600
 *   npm run -s token -- --role viewer [--merchant merchant-123]
 */
import { parseArgs } from "node:util";
import { localJwtSecret } from "./lib/dev-vars.ts";
import { mintToken } from "./lib/mint.ts";

const { values } = parseArgs({
  options: {
    role: { type: "string", default: "admin" },
    merchant: { type: "string" },
    sub: { type: "string" },
    ttl: { type: "string", default: String(12 * 3600) },
    iss: { type: "string" },
    aud: { type: "string" },
  },
});

const role = values.role;
if (role !== "admin" && role !== "merchant" && role !== "viewer") {
  console.error(`--role must be admin, merchant or viewer (got '${role}')`);
  process.exit(2);
}
if (role === "merchant" && !values.merchant) {
  console.error("--role merchant needs --merchant <merchantId>");
  process.exit(2);
}
const ttlSeconds = Number(values.ttl);
if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
  console.error("--ttl must be a positive number of seconds");
  process.exit(2);
}
if (ttlSeconds > 30 * 86_400) {
  console.error("note: the gateway refuses tokens valid for longer than JWT_MAX_LIFETIME_DAYS (30 days by default)");
}

console.log(
  await mintToken(localJwtSecret(), {
    role,
    merchantId: values.merchant,
    subject: values.sub,
    ttlSeconds,
    issuer: values.iss,
    audience: values.aud,
  }),
);
