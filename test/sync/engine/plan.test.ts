import { describe, expect, it } from "vitest";
import type { RegisteredConnector } from "../../../src/connectors/definition.ts";
import { connectorOf } from "../../../src/connectors/index.ts";
import { AppError } from "../../../src/http/errors.ts";
import { planRun } from "../../../src/sync/plan.ts";

describe("planRun", () => {
  it("reads a CSV file's one stream for any type, pushing only the entities asked for", () => {
    const csv = connectorOf("csv");
    expect(planRun(csv, "full")).toEqual({ streams: ["rows"], entities: ["products", "inventory", "prices"] });
    expect(planRun(csv, "inventory")).toEqual({ streams: ["rows"], entities: ["inventory"] });
  });

  it("reads only the ERP streams that feed the entity asked for, and all of them for full", () => {
    const logo = connectorOf("logo");
    expect(planRun(logo, "prices")).toEqual({ streams: ["prices"], entities: ["prices"] });
    expect(planRun(logo, "full")).toEqual({
      streams: ["items", "stock", "prices"],
      entities: ["products", "inventory", "prices"],
    });
  });

  it("leaves out what the connector does not support, and refuses a type it cannot sync at all", () => {
    const pricesOnly: RegisteredConnector = {
      ...connectorOf("csv"),
      name: "Prices Only",
      supportedOperations: ["prices"],
    };
    expect(planRun(pricesOnly, "full")).toEqual({ streams: ["rows"], entities: ["prices"] });
    let refusal: unknown;
    try {
      planRun(pricesOnly, "products");
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({
      code: "VALIDATION_ERROR",
      details: [{ field: "type", message: "the Prices Only connector cannot sync products" }],
    });
  });
});
