import type { AggregateSlot, RowTuple } from "./compile.ts";
import { type ExprType, type SqlValue, sortCompare, toInstant } from "./values.ts";

interface State {
  count: number;
  sum: number;
  best: SqlValue;
  seen?: Set<string | number>;
}

/** One group's running aggregates, fed row by row. */
export class Accumulator {
  private readonly slots: readonly AggregateSlot[];
  private readonly states: State[];

  constructor(slots: readonly AggregateSlot[]) {
    this.slots = slots;
    this.states = slots.map((slot) => ({
      count: 0,
      sum: 0,
      best: null,
      ...(slot.distinct ? { seen: new Set() } : {}),
    }));
  }

  add(row: RowTuple): void {
    for (let k = 0; k < this.slots.length; k++) {
      const slot = this.slots[k] as AggregateSlot;
      const state = this.states[k] as State;
      // COUNT(*) counts rows; every other aggregate skips NULLs.
      const value = slot.arg ? slot.arg(row, []) : 1;
      if (value === null) continue;
      if (state.seen) {
        const key = keyOf(value, slot.argType);
        if (state.seen.has(key)) continue;
        state.seen.add(key);
      }
      state.count++;
      if (slot.name === "SUM" || slot.name === "AVG") state.sum += Number(value);
      else if (slot.name === "MIN" || slot.name === "MAX") {
        const c = state.best === null ? 0 : sortCompare(value, state.best, slot.argType);
        if (state.best === null || (slot.name === "MIN" ? c < 0 : c > 0)) state.best = value;
      }
    }
  }

  /** SUM, AVG, MIN and MAX of no values are NULL; COUNT is 0. AVG of whole numbers stays whole. */
  results(): SqlValue[] {
    return this.slots.map((slot, k) => {
      const { count, sum, best } = this.states[k] as State;
      if (slot.name === "COUNT") return count;
      if (count === 0) return null;
      if (slot.name === "SUM") return sum;
      if (slot.name === "AVG") return slot.argType === "int" ? Math.trunc(sum / count) : sum / count;
      return best;
    });
  }
}

/** A value as GROUP BY and DISTINCT tell values apart: text without case or trailing spaces. */
export function keyOf(value: SqlValue, type: ExprType): string | number {
  if (value === null) return "\u0000";
  if (type === "datetime") return toInstant(value);
  return typeof value === "number" ? value : value.replace(/ +$/, "").toUpperCase();
}
