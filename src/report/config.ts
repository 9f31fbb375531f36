// The scenario's configuration as results.json holds it: plain JSON, keys sorted at every level
// (so the order in which a caller built the object does not show), and no absolute paths (a path
// names the machine it ran on, so two identical runs on two machines would differ).

import { ReportInputError } from './errors.ts';

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/** A copy of `config` with keys sorted at every level; throws on an absolute path or a non-JSON value. */
export function canonicalConfig(config: JsonObject): JsonObject {
  return canonical(config, 'config') as JsonObject;
}

/** True for `/x`, `~/x`, `C:\x`, `C:/x` and `\\server\x`. */
export function isAbsolutePath(text: string): boolean {
  return /^(\/|~\/|[A-Za-z]:[\\/]|\\\\)/.test(text);
}

function canonical(value: unknown, path: string): JsonValue {
  switch (typeof value) {
    case 'string':
      if (isAbsolutePath(value)) {
        throw new ReportInputError(
          `${path} is an absolute path ('${value}'); results.json must not depend on the machine: pass a path relative to the working directory, or its base name`,
        );
      }
      return value;
    case 'number':
    case 'boolean':
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((v: unknown, i) => canonical(v, `${path}[${i}]`));
      const out: Record<string, JsonValue> = {};
      for (const key of Object.keys(value).sort()) {
        const v = (value as Record<string, unknown>)[key];
        if (v !== undefined) out[key] = canonical(v, `${path}.${key}`);
      }
      return out;
    }
    default:
      throw new ReportInputError(`${path} is a ${typeof value}; the config must be plain JSON (strings, numbers, booleans, null, arrays, objects)`);
  }
}
