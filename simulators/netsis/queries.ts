import type { Route } from "./routing.ts";

/** Placeholder until the shared SQL engine arrives. */
export const queryRoutes: Route[] = [];
