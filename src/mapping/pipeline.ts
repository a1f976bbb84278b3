import { quote, TransformationError } from "./transformation-error.ts";
import { type Lookups, TRANSFORMATION_USAGE, TRANSFORMATIONS, type TransformOptions } from "./transformations.ts";

/** One transformation with its argument already parsed. */
export type Step = (value: unknown, options: TransformOptions) => unknown;

/** A rule's `transformation` read once: the steps to run, or what is wrong with each bad one. */
export interface ParsedPipeline {
  steps: Step[];
  errors: string[];
}

/**
 * Reads `trim|parseDecimal|multiply:100` into steps. Each step is a name from the closed set,
 * optionally followed by `:` and one argument, which is parsed here so that mapping a row does
 * no parsing at all. Every bad step is reported, not only the first.
 *
 * @example parsePipeline("trim|lookup:units", { units: { AD: "piece" } }).errors // []
 */
export function parsePipeline(text: string, lookups: Lookups): ParsedPipeline {
  const steps: Step[] = [];
  const errors: string[] = [];
  for (const raw of text.split("|")) {
    const segment = raw.trim();
    if (segment === "") {
      errors.push(`${quote(text)} has an empty step; separate transformations with a single '|'`);
      continue;
    }
    try {
      steps.push(parseStep(segment, lookups));
    } catch (error) {
      if (!(error instanceof TransformationError)) throw error;
      errors.push(error.message);
    }
  }
  return { steps, errors };
}

function parseStep(segment: string, lookups: Lookups): Step {
  const colon = segment.indexOf(":");
  const name = (colon < 0 ? segment : segment.slice(0, colon)).trim();
  const argument = colon < 0 ? undefined : segment.slice(colon + 1).trim();
  // hasOwn, not `in`: "constructor" or "__proto__" must not pass for a transformation.
  if (!Object.hasOwn(TRANSFORMATIONS, name)) {
    throw new TransformationError(`unknown transformation ${quote(name)}; valid: ${TRANSFORMATION_USAGE}`);
  }
  const transformation = TRANSFORMATIONS[name as keyof typeof TRANSFORMATIONS];
  if (transformation.argument === null) {
    if (argument !== undefined) throw new TransformationError(`'${name}' takes no argument`);
    return (value, options) => transformation.apply(value, undefined, options);
  }
  if (!argument) {
    throw new TransformationError(`'${name}' needs an argument: ${name}:${transformation.argument}`);
  }
  try {
    const parsed = transformation.parse(argument, lookups);
    return (value, options) => transformation.apply(value, parsed, options);
  } catch (error) {
    if (error instanceof TransformationError) throw new TransformationError(`'${name}:${argument}': ${error.message}`);
    throw error;
  }
}

/**
 * Runs parsed steps over one value, left to right.
 *
 * @throws TransformationError from the first step that cannot convert its input
 */
export function runPipeline(steps: readonly Step[], value: unknown, options: TransformOptions): unknown {
  let current = value;
  for (const step of steps) current = step(current, options);
  return current;
}
