import type { Config } from "../config.ts";
import type { ConnectorDefinition } from "../connectors/definition.ts";
import { type Sealed, seal, UnsealError, unseal } from "../crypto/sealed.ts";
import type { IntegrationRow } from "../db/schema.ts";
import { AppError } from "../http/errors.ts";
import { outboundUrlProblem } from "../net/outbound-url.ts";

export type Credentials = Record<string, unknown>;

/** Binds an integration's credential ciphertext to that integration: moved to another row, it fails. */
export const credentialsAad = (integrationId: string) => `integration:${integrationId}:credentials`;

export async function sealCredentials(
  config: Config,
  integrationId: string,
  credentials: Credentials,
): Promise<Sealed> {
  return seal(config.keyring, credentials, credentialsAad(integrationId));
}

/** The decrypted credentials of a stored integration. Only connectors should ever need them. */
export async function openCredentials(config: Config, row: IntegrationRow): Promise<Credentials> {
  try {
    return await unseal<Credentials>(
      config.keyring,
      { keyId: row.credentialsKeyId, ciphertext: row.credentialsCiphertext },
      credentialsAad(row.id),
    );
  } catch (error) {
    if (!(error instanceof UnsealError)) throw error;
    throw new AppError(
      "CREDENTIALS_UNREADABLE",
      `The stored credentials of ${row.id} cannot be decrypted (${error.message}). If ENCRYPTION_KEY was rotated, set ENCRYPTION_KEY_PREVIOUS to the old key; otherwise send the full credentials again.`,
    );
  }
}

/** Names of the credential fields that hold a value, sorted, as responses show them. */
export const credentialFieldNames = (credentials: Credentials) =>
  Object.keys(credentials)
    .filter((k) => credentials[k] !== undefined && credentials[k] !== null)
    .sort();

/** Applies the SSRF policy to the URL fields a connector declares. */
export function assertOutboundUrls(def: ConnectorDefinition, credentials: Credentials, config: Config): void {
  const issues = def.urlFields.flatMap((field) => {
    const value = credentials[field];
    const problem = typeof value === "string" ? outboundUrlProblem(value, config) : null;
    return problem ? [{ field: `credentials.${field}`, message: problem }] : [];
  });
  if (issues.length > 0) throw AppError.validation(issues);
}
