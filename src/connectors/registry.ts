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
export function registerConnector(id: string, definition: ConnectorDefinition): void {
  if (!/^[a-z][a-z0-9-]{1,31}$/.test(id)) {
    throw new Error(`connector id '${id}' must be 2-32 lowercase letters, digits or dashes`);
  }
  if (connectors.has(id)) throw new Error(`connector '${id}' is already registered`);
  connectors.set(id, { ...definition, id });
}

export function getConnector(id: string): RegisteredConnector | undefined {
  return connectors.get(id);
}

export function listConnectors(): RegisteredConnector[] {
  return [...connectors.values()];
}
