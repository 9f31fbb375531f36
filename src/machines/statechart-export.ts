// The project's statecharts as files: the machine definition as JSON (what `machine.toJSON()`
// gives, made JSON-safe) and a Mermaid `stateDiagram-v2` drawn from the state nodes. Pure: no
// file is read or written here (scenarios/export-statecharts.ts writes them).
//
// JSON: `machine.toJSON()` (= `machine.definition`) with every function (inline guard, action,
// delay, invoke input) replaced by its name, and object keys sorted, except the children of
// `states` and `on`, which keep the order they are written in (`order` numbers the states). Delayed
// transitions are there as XState names them, events `xstate.after.<delay>.<stateId>` with a
// `delay` field; an invoked actor's onDone/onError as `xstate.done.actor.<id>` /
// `xstate.error.actor.<id>`. NOTE: xstate 5.33.3's definition leaves out eventless (`always`)
// transitions; each state here gets an `always` array in the same format as `transitions`.
//
// Mermaid: one edge per transition that has a target, labelled `EVENT [guard]`; an unguarded
// alternative after guarded ones is `[else]`; eventless ones are `always [guard]`, delayed ones
// `after <delay as configured>`, an invoked actor's `done <src>` / `error <src>`. A transition
// that targets its own state (reenter) is a self loop. Targetless transitions (actions only, the
// state is neither left nor re-entered) are written inside the state's box as
// `EVENT [guard] / action, …`, with `invoke <src>` for each invoked actor.

import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { routerMachine } from './router.machine.ts';
import { workerMachine } from './worker.machine.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One transition definition as the state node holds it; `delay` only on delayed ones. */
interface TransitionLike {
  readonly target?: ReadonlyArray<AnyStateNode> | undefined;
  readonly guard?: unknown;
  readonly actions?: ReadonlyArray<unknown>;
  readonly reenter?: boolean;
  readonly delay?: unknown;
  readonly eventType: string;
}

// ---------------------------------------------------------------------------------------------
// JSON

/** The name a function goes by in the JSON and the diagram; higher-order guards keep their parts. */
function functionName(fn: Function): string {
  const parts = (fn as { guards?: unknown }).guards;
  const type = (fn as { type?: unknown }).type;
  // and([...]), or([...]), not(g): functions named and, or, not, holding their guards.
  if (Array.isArray(parts)) return `${fn.name}(${parts.map(nameOf).join(', ')})`;
  if (typeof type === 'string' && type !== '') return type;
  return fn.name === '' ? 'anonymous' : fn.name;
}

/** A guard, action or actor source as text: a string as is, a function by its name, `{ type }` by its type. */
function nameOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'function') return functionName(value);
  if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
    return (value as { type: string }).type;
  }
  return String(value);
}

/** JSON.stringify's view of a value (its `toJSON`s applied), functions turned into their names. */
function jsonSafe(value: unknown): JsonValue {
  const text = JSON.stringify(value, (key, v: unknown) => {
    if (typeof v !== 'function') return v;
    // A transition's toJSON() spreads the transition, its own toJSON included: leave that out.
    return key === 'toJSON' ? undefined : functionName(v);
  });
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}

const DOCUMENT_ORDER_KEYS = new Set(['states', 'on']);

/** Object keys sorted, except the entries of `states` and `on` (document order, which XState uses). */
function sortKeys(value: JsonValue, keepOrder = false): JsonValue {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v));
  if (value === null || typeof value !== 'object') return value;
  const keys = keepOrder ? Object.keys(value) : Object.keys(value).sort();
  const sorted: { [key: string]: JsonValue } = {};
  for (const key of keys) sorted[key] = sortKeys(value[key]!, !keepOrder && DOCUMENT_ORDER_KEYS.has(key));
  return sorted;
}

/** Adds each state's eventless transitions, which `definition` leaves out, under `always`. */
function addAlways(json: { [key: string]: JsonValue }, node: AnyStateNode): void {
  json['always'] = (node.always ?? []).map((t) => jsonSafe(t));
  const states = json['states'];
  if (states === null || typeof states !== 'object' || Array.isArray(states)) return;
  for (const [key, child] of Object.entries(node.states)) {
    const childJson = states[key];
    if (childJson !== undefined && childJson !== null && typeof childJson === 'object' && !Array.isArray(childJson)) {
      addAlways(childJson, child);
    }
  }
}

/** The machine's definition as a JSON value (see the file's header). */
export function machineDefinitionJson(machine: AnyStateMachine): JsonValue {
  const json = jsonSafe(machine.toJSON());
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`machine '${machine.id}' has no JSON definition`);
  addAlways(json, machine.root);
  return sortKeys(json);
}

/** The machine's definition as a JSON file's text (two-space indent, final newline). */
export function machineToJson(machine: AnyStateMachine): string {
  return `${JSON.stringify(machineDefinitionJson(machine), null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Mermaid

/** The Mermaid id of a state: its path below the root, joined with `_`, other characters made `_`. */
function mermaidId(node: AnyStateNode): string {
  return node.path.join('_').replace(/[^A-Za-z0-9_]/g, '_');
}

/** What an event descriptor is called on the diagram. */
function eventLabel(node: AnyStateNode, t: TransitionLike): string {
  if (t.delay !== undefined) return typeof t.delay === 'number' ? `after ${t.delay}ms` : `after ${nameOf(t.delay)}`;
  const type = t.eventType;
  if (type === '') return 'always';
  for (const invoke of node.invoke) {
    const src = typeof invoke.src === 'string' && !invoke.src.startsWith('xstate.invoke.') ? invoke.src : invoke.id;
    if (type === `xstate.done.actor.${invoke.id}`) return `done ${src}`;
    if (type === `xstate.error.actor.${invoke.id}`) return `error ${src}`;
    if (type === `xstate.snapshot.${invoke.id}`) return `snapshot ${src}`;
  }
  if (type === `xstate.done.state.${node.id}`) return 'done';
  return type;
}

/** `EVENT [guard]` for each alternative of one event, `[else]` for an unguarded one after guarded ones. */
function labels(node: AnyStateNode, alternatives: ReadonlyArray<TransitionLike>): string[] {
  let guardedBefore = false;
  return alternatives.map((t) => {
    const event = eventLabel(node, t);
    if (t.guard !== undefined) {
      guardedBefore = true;
      return `${event} [${nameOf(t.guard)}]`;
    }
    return guardedBefore ? `${event} [else]` : event;
  });
}

function nodeLines(node: AnyStateNode, indent: string): string[] {
  const lines: string[] = [];
  const children = Object.values(node.states);
  const initial = node.initial?.target ?? [];
  for (const target of initial) lines.push(`${indent}[*] --> ${mermaidId(target)}`);
  for (const child of children) {
    const id = mermaidId(child);
    let declared = initial.includes(child) || child.type === 'final';
    if (child.key !== id) {
      lines.push(`${indent}state "${child.key}" as ${id}`);
      declared = true;
    }
    if (Object.keys(child.states).length > 0) {
      lines.push(`${indent}state ${id} {`, ...nodeLines(child, `${indent}    `), `${indent}}`);
      declared = true;
    }
    const groups: Array<ReadonlyArray<TransitionLike>> = [...child.transitions.values()];
    if (child.always !== undefined && child.always.length > 0) groups.push(child.always);
    const inside: string[] = child.invoke.map((invoke) => `invoke ${typeof invoke.src === 'string' && !invoke.src.startsWith('xstate.invoke.') ? invoke.src : invoke.id}`);
    const edges: string[] = [];
    for (const alternatives of groups) {
      const texts = labels(child, alternatives);
      alternatives.forEach((t, i) => {
        const label = texts[i]!;
        if (t.target === undefined || t.target.length === 0) {
          const actions = (t.actions ?? []).map(nameOf);
          inside.push(actions.length === 0 ? label : `${label} / ${actions.join(', ')}`);
        } else {
          for (const target of t.target) edges.push(`${indent}${id} --> ${mermaidId(target)} : ${label}`);
        }
      });
    }
    for (const text of inside) lines.push(`${indent}${id} : ${text}`);
    if (!declared && inside.length === 0 && edges.length === 0) lines.push(`${indent}${id}`); // a state with no transitions
    lines.push(...edges);
    if (child.type === 'final') lines.push(`${indent}${id} --> [*]`);
  }
  return lines;
}

/** The machine as a Mermaid `stateDiagram-v2` (final newline included). */
export function machineToMermaid(machine: AnyStateMachine): string {
  return `${['stateDiagram-v2', ...nodeLines(machine.root, '    ')].join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// The project's machines

export type StatechartFileName = 'worker.json' | 'router.json' | 'worker.mmd' | 'router.mmd';

/** The contents of docs/statecharts/, file name → text. */
export function statechartFiles(): Readonly<Record<StatechartFileName, string>> {
  return {
    'worker.json': machineToJson(workerMachine),
    'router.json': machineToJson(routerMachine),
    'worker.mmd': machineToMermaid(workerMachine),
    'router.mmd': machineToMermaid(routerMachine),
  };
}
