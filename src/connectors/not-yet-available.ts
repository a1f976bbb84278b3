import { UpstreamError } from "../net/upstream-error.ts";
import type { Connector } from "./definition.ts";

/**
 * The runtime of the Logo and Netsis connectors arrives with their own issue. Until then an
 * integration using them can be created and validated, and every call fails at once with a
 * permanent error that says so: nothing is retried, nothing half-done.
 */
export function connectorNotYetAvailable(name: string): Connector {
  const fail = async (): Promise<never> => {
    throw new UpstreamError("connector", `The ${name} connector can be configured, but cannot sync yet`, {
      retryable: false,
    });
  };
  return {
    testConnection: fail,
    fetchPage: fail,
    createOrder: fail,
  };
}
