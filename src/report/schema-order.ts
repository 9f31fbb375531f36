// A JSON document in the key order of its zod schema: every object is rebuilt with the keys its
// schema's shape declares, in that order, and no others; arrays element by element; anything
// else (a record, a union, a literal, a number) is kept as it is. So the schema alone says which
// fields a document has and in what order they are written, and a builder may spread its inputs.

import type { z } from 'zod';

/** `T` with every property and array readonly, at every depth: results are plain readonly data. */
export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** A copy of `value` with the keys and fields of `schema`, in its order (nothing is validated). */
export function inSchemaOrder<S extends z.ZodType>(schema: S, value: DeepReadonly<z.input<S>>): DeepReadonly<z.output<S>> {
  return ordered(schema, value) as DeepReadonly<z.output<S>>;
}

function ordered(schema: z.ZodType, value: unknown): unknown {
  const def = schema._zod.def as { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType };
  if (def.type === 'object' && def.shape !== undefined && isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(def.shape)) out[key] = ordered(field, value[key]);
    return out;
  }
  if (def.type === 'array' && def.element !== undefined && Array.isArray(value)) {
    const element = def.element;
    return value.map((item: unknown) => ordered(element, item));
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
