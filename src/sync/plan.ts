import type { RegisteredConnector } from "../connectors/definition.ts";
import { AppError } from "../http/errors.ts";
import type { Entity } from "../platform/records.ts";

export type SyncType = Entity | "full";

/**
 * Which of a connector's streams a sync of `type` reads, and which entities it pushes: `full`
 * means every entity the connector supports; otherwise the one entity, from the streams that
 * feed it.
 */
export function planRun(connector: RegisteredConnector, type: SyncType): { streams: string[]; entities: Entity[] } {
  const supported = new Set<string>(connector.supportedOperations);
  const wanted = (type === "full" ? connector.streams.flatMap((s) => s.entities) : [type]).filter((e) =>
    supported.has(e),
  );
  const entities = [...new Set(wanted)];
  const streams = connector.streams.filter((s) => s.entities.some((e) => entities.includes(e))).map((s) => s.name);
  if (entities.length === 0 || streams.length === 0) {
    throw AppError.validation([{ field: "type", message: `the ${connector.name} connector cannot sync ${type}` }]);
  }
  return { streams, entities };
}
