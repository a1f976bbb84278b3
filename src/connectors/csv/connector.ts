import type { Connector, ConnectorContext } from "../definition.ts";

/** Placeholder, replaced when the CSV reader lands. */
export function createCsvConnector(_context: ConnectorContext): Connector {
  throw new Error("CSV connector runtime not written yet");
}
