// Checks a manifest against the Kubernetes API types as the official client generates them from
// the OpenAPI spec: every field must exist on its type (a typo such as `completionsMode` fails)
// and every value must have the field's type, all the way down.

import * as k8s from '@kubernetes/client-node';

interface Attribute {
  readonly name: string;
  readonly baseName: string;
  readonly type: string;
}

type ModelClass = { getAttributeTypeMap(): readonly Attribute[] };

function modelOf(type: string): ModelClass | undefined {
  const candidate = (k8s as unknown as Record<string, unknown>)[type];
  return typeof candidate === 'function' && 'getAttributeTypeMap' in candidate ? (candidate as unknown as ModelClass) : undefined;
}

/** Every problem of `value` as a `type` (e.g. 'V1Job'), one line each; empty when it is valid. */
export function k8sProblems(value: unknown, type: string, path = '$'): string[] {
  const array = /^Array<(.+)>$/.exec(type);
  if (array !== null) {
    if (!Array.isArray(value)) return [`${path}: expected a list of ${array[1]}`];
    return value.flatMap((v, i) => k8sProblems(v, array[1]!, `${path}[${i}]`));
  }
  if (/^\{ \[key: string\]: (\w+); \}$/.test(type)) {
    const inner = /: (\w+); \}$/.exec(type)![1]!;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected a map`];
    return Object.entries(value).flatMap(([k, v]) => k8sProblems(v, inner, `${path}.${k}`));
  }
  switch (type) {
    case 'string':
    case 'number':
    case 'boolean':
      return typeof value === type ? [] : [`${path}: expected a ${type}, got ${JSON.stringify(value)}`];
    case 'IntOrString':
      return typeof value === 'string' || typeof value === 'number' ? [] : [`${path}: expected an int or a string`];
    case 'Date':
      return typeof value === 'string' ? [] : [`${path}: expected a date`];
    case 'any':
    case 'object':
      return [];
  }
  const model = modelOf(type);
  if (model === undefined) return [`${path}: unknown type ${type}`];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object (${type})`];
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a]));
  return Object.entries(value).flatMap(([key, v]) => {
    const attribute = attributes.get(key);
    return attribute === undefined ? [`${path}.${key}: no such field in ${type}`] : k8sProblems(v, attribute.type, `${path}.${key}`);
  });
}
