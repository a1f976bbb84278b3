import { AppError } from "../http/errors.ts";
import type { ConnectorDefinition, RegisteredConnector } from "./definition.ts";

// The registry holds connector definitions (code), never bindings or per-request state.
const connectors = new Map<string, RegisteredConnector>();

/**
 * Makes a connector available to integrations (the seed's `registerCustomConnector`).
 * Register at module load, in src/connectors/index.ts, so request validation and the
 * OpenAPI document know it.
 *
 * @example registerConnector("my-erp", myErpConnector)
 */
// biome-ignore lint/suspicious/noExplicitAny: each connector's schemas are its own; `create` is bound by bindConnector.
export function registerConnector(id: string, definition: ConnectorDefinition<any, any>): void {
  if (!/^[a-z][a-z0-9-]{1,31}$/.test(id)) {
    throw new Error(`connector id '${id}' must be 2-32 lowercase letters, digits or dashes`);
  }
  if (connectors.has(id)) throw new Error(`connector '${id}' is already registered`);
  connectors.set(id, { ...(definition as ConnectorDefinition), id });
}

export function getConnector(id: string): RegisteredConnector | undefined {
  return connectors.get(id);
}

/** The connector an integration uses: the one place that looks it up. */
export function connectorOf(id: string): RegisteredConnector {
  const definition = connectors.get(id);
  // Only reachable if a connector was unregistered while integrations still use it.
  if (!definition) throw new AppError("INTERNAL_ERROR", `Connector '${id}' is not registered in this gateway`);
  return definition;
}

export function listConnectors(): RegisteredConnector[] {
  return [...connectors.values()];
}
