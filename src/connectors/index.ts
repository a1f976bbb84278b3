import { csvConnector } from "./csv/definition.ts";
import { logoConnector } from "./logo/definition.ts";
import { netsisConnector } from "./netsis/definition.ts";
import { listConnectors, registerConnector } from "./registry.ts";

// The built-in connectors. A custom connector is registered here too (see README).
registerConnector("csv", csvConnector);
registerConnector("logo", logoConnector);
registerConnector("netsis", netsisConnector);

export { connectorOf, getConnector, listConnectors, registerConnector } from "./registry.ts";
export const connectorIds = () => listConnectors().map((c) => c.id);
