import type { ConnectorDefinition } from "./definition.ts";

// The registry holds connector definitions (code), never bindings or per-request state.
const connectors = new Map<string, ConnectorDefinition>();

/**
 * Makes a connector available to integrations (the seed's `registerCustomConnector`).
 * Register at module load, in src/connectors/index.ts, so request validation and the
 * OpenAPI document know it.
 *
 * @example registerConnector(myErpConnector)
 */
export function registerConnector(definition: ConnectorDefinition): void {
  if (!/^[a-z][a-z0-9-]{1,31}$/.test(definition.id)) {
    throw new Error(`connector id '${definition.id}' must be 2-32 lowercase letters, digits or dashes`);
  }
  if (connectors.has(definition.id)) throw new Error(`connector '${definition.id}' is already registered`);
  connectors.set(definition.id, definition);
}

export function getConnector(id: string): ConnectorDefinition | undefined {
  return connectors.get(id);
}

export function listConnectors(): ConnectorDefinition[] {
  return [...connectors.values()];
}
