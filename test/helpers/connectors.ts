import type { Connector, ConnectorContext } from "../../src/connectors/definition.ts";
import { bindConnector } from "../../src/connectors/instance.ts";

/** What a test may change about a connector it binds. */
export interface BindOptions {
  credentials?: Record<string, unknown>;
  settings?: Record<string, unknown>;
  integrationId?: string;
  fetch?: ConnectorContext["fetch"];
}

/**
 * A registered connector bound as the gateway binds it (credentials and settings parsed by its
 * schemas), calling the simulators with plain fetch (no guard) unless `options.fetch` is given.
 */
export function boundConnector(
  connector: string,
  integration: { id: string; merchantId: string },
  credentials: Record<string, unknown>,
  options: BindOptions = {},
): Connector {
  return bindConnector({ ...integration, connector, settings: options.settings ?? {} }, credentials, {
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
  });
}
