import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { and, createMachine, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { machineDefinitionJson, machineToJson, machineToMermaid, statechartFiles } from '../../src/machines/statechart-export.ts';
import { routerMachine } from '../../src/machines/router.machine.ts';
import { workerMachine } from '../../src/machines/worker.machine.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
const obj = (value: Json | undefined): JsonObject => {
  expect(value).toBeTypeOf('object');
  expect(Array.isArray(value)).toBe(false);
  return value as JsonObject;
};
const arr = (value: Json | undefined): Json[] => {
  expect(Array.isArray(value)).toBe(true);
  return value as Json[];
};

/** Every object's keys, in the order they appear, with the path that leads there. */
function* objects(value: Json, path: string[] = []): Generator<[string[], JsonObject]> {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* objects(v, [...path, String(i)]);
  } else if (value !== null && typeof value === 'object') {
    yield [path, value];
    for (const [k, v] of Object.entries(value)) yield* objects(v, [...path, k]);
  }
}

/** The ```mermaid blocks under README.md's "## Statecharts" heading, up to the next "## ". */
function readmeMermaidBlocks(): string[] {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const start = readme.indexOf('\n## Statecharts\n');
  expect(start, 'README.md has a "## Statecharts" section').toBeGreaterThanOrEqual(0);
  const rest = readme.slice(start + 1);
  const next = rest.indexOf('\n## ', 1);
  const section = next < 0 ? rest : rest.slice(0, next + 1);
  return [...section.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

describe('statechart export: JSON', () => {
  const worker = obj(JSON.parse(machineToJson(workerMachine)) as Json);
  const router = obj(JSON.parse(machineToJson(routerMachine)) as Json);

  it('holds every state of both machines, in document order', () => {
    expect(worker['id']).toBe('worker');
    expect(Object.keys(obj(worker['states']))).toEqual(['idle', 'choosing', 'prefill', 'decode', 'down', 'generating']);
    expect(obj(worker['initial'])['target']).toEqual(['#worker.idle']);
    expect(router['id']).toBe('router');
    expect(Object.keys(obj(router['states']))).toEqual(['routing']);
    expect(Object.keys(obj(obj(obj(router['states'])['routing'])['on']))).toEqual(['REQUEST.SUBMITTED', 'REQUEST.RETRY', 'WORKER.UP', 'WORKER.DOWN']);
  });

  it('has the delayed transitions as xstate.after.<delay>.<stateId>, with the delay name', () => {
    const states = obj(worker['states']);
    for (const [state, delay] of [['prefill', 'prefillStep'], ['decode', 'segmentEnd']] as const) {
      const on = obj(obj(states[state])['on']);
      const event = `xstate.after.${delay}.worker.${state}`;
      const [transition] = arr(on[event]);
      expect(obj(transition)).toMatchObject({ delay, eventType: event, target: ['#worker.choosing'] });
    }
  });

  it('has the eventless transitions (which toJSON leaves out), guards and actions by name, and the invoked actor', () => {
    const states = obj(worker['states']);
    expect(arr(obj(states['choosing'])['always']).map((t) => [obj(t)['guard'], obj(t)['target']])).toEqual([
      ['inPrefillStep', ['#worker.prefill']],
      ['hasRunning', ['#worker.decode']],
      [undefined, ['#worker.idle']],
    ]);
    expect(arr(obj(states['decode'])['always']).map((t) => obj(t)['guard'])).toEqual(['awaitingTokens']);
    const prefillOn = obj(obj(states['prefill'])['on']);
    expect(obj(arr(prefillOn['REQUEST.ROUTED'])[0])).toMatchObject({ actions: [{ type: 'acceptIntoPrefill', params: 'routed' }] });
    expect(obj(arr(prefillOn['STEP.REARM'])[0])).toMatchObject({ reenter: true, target: ['#worker.prefill'] });
    expect(obj(states['choosing'])['entry']).toEqual([{ type: 'startPrefill' }]);
    const generating = obj(states['generating']);
    expect(arr(generating['invoke']).map((i) => obj(i)['src'])).toEqual(['computeTokens']);
    expect(Object.keys(obj(generating['on']))).toEqual([
      'REQUEST.ROUTED',
      'xstate.done.actor.0.worker.generating',
      'xstate.error.actor.0.worker.generating',
    ]);
  });

  it('sorts keys (except states and on, which keep document order) and drops the toJSON helpers', () => {
    for (const json of [worker, router]) {
      for (const [path, o] of objects(json)) {
        const keys = Object.keys(o);
        expect(keys).not.toContain('toJSON');
        if (path.at(-1) !== 'states' && path.at(-1) !== 'on') expect(keys, path.join('.')).toEqual([...keys].sort());
      }
    }
  });

  it('names inline functions, and handles nesting, final states and numeric delays', () => {
    const machine = setup({ guards: { ready: () => true, set: () => true } }).createMachine({
      id: 'demo',
      initial: 'outer',
      states: {
        outer: {
          initial: 'a',
          states: {
            a: { after: { 500: 'b' }, on: { GO: { guard: function isReady() { return true; }, target: 'b', actions: function log() {} } } },
            b: { on: { BOTH: { guard: and(['ready', 'set']), target: 'c' } } },
            c: { type: 'final' },
          },
          onDone: 'done',
        },
        done: { type: 'final' },
      },
    });
    const json = machineDefinitionJson(machine);
    const a = obj(obj(obj(obj(obj(json)['states'])['outer'])['states'])['a']);
    expect(obj(arr(obj(a['on'])['GO'])[0])).toMatchObject({ guard: 'isReady', actions: ['log'] });
    expect(Object.keys(obj(a['on']))).toContain('xstate.after.500.demo.outer.a');
    const text = machineToMermaid(machine);
    expect(text).toContain('state outer {');
    expect(text).toContain('outer_a --> outer_b : after 500ms');
    expect(text).toContain('outer_a --> outer_b : GO [isReady]');
    expect(text).toContain('outer_b --> outer_c : BOTH [and(ready, set)]');
    expect(text).toContain('outer_c --> [*]');
    expect(text).toContain('outer --> done : done');
    expect(machineToMermaid(createMachine({ id: 'empty' }))).toBe('stateDiagram-v2\n');
  });
});

describe('statechart export: Mermaid', () => {
  const worker = machineToMermaid(workerMachine);
  const router = machineToMermaid(routerMachine);
  const lines = (text: string) => text.split('\n').map((l) => l.trim());

  it('is a stateDiagram-v2 with the initial arrow', () => {
    expect(worker.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(lines(worker)).toContain('[*] --> idle');
    expect(lines(router)).toContain('[*] --> routing');
  });

  it('mentions every state and every event', () => {
    for (const [machine, text] of [[workerMachine, worker], [routerMachine, router]] as const) {
      for (const state of Object.values(machine.root.states)) {
        expect(text).toMatch(new RegExp(`^    ${state.key}\\b`, 'm'));
        for (const event of state.ownEvents.filter((e: string) => !e.startsWith('xstate.'))) expect(text).toContain(event);
        for (const t of state.after) expect(text).toContain(`after ${String(t.delay)}`);
        for (const t of state.always ?? []) if (typeof t.guard === 'string') expect(text).toContain(`always [${t.guard}]`);
      }
    }
    expect(lines(router)).toEqual(
      expect.arrayContaining(['routing : REQUEST.SUBMITTED / route', 'routing : WORKER.UP / observe', 'routing : WORKER.DOWN / observe']),
    );
  });

  it("draws the worker's transitions: guarded alternatives, eventless, delayed, self loops, the invoked actor", () => {
    expect(lines(worker)).toEqual(
      expect.arrayContaining([
        'idle --> choosing : REQUEST.ROUTED',
        'choosing --> prefill : always [inPrefillStep]',
        'choosing --> decode : always [hasRunning]',
        'choosing --> idle : always [else]',
        'prefill --> choosing : after prefillStep',
        'prefill : REQUEST.ROUTED / acceptIntoPrefill',
        'prefill --> prefill : STEP.REARM',
        'decode --> choosing : after segmentEnd',
        'decode : REQUEST.ROUTED / acceptDuringDecode',
        'decode --> decode : STEP.REARM',
        'decode --> generating : always [awaitingTokens]',
        'generating : invoke computeTokens',
        'generating : REQUEST.ROUTED / acceptDuringDecode',
        'generating --> decode : done computeTokens',
        'generating --> choosing : error computeTokens',
      ]),
    );
    expect(worker).not.toContain('xstate.');
  });
});

describe('statechart export: determinism and drift', () => {
  it('gives the same text every time', () => {
    expect(machineToMermaid(workerMachine)).toBe(machineToMermaid(workerMachine));
    expect(machineToJson(workerMachine)).toBe(machineToJson(workerMachine));
    expect(statechartFiles()).toEqual(statechartFiles());
  });

  it('matches docs/statecharts/ (regenerate: npx tsx scenarios/export-statecharts.ts)', () => {
    const files = statechartFiles();
    expect(Object.keys(files).sort()).toEqual(['router.json', 'router.mmd', 'worker.json', 'worker.mmd']);
    for (const [name, text] of Object.entries(files)) {
      expect(readFileSync(`${ROOT}docs/statecharts/${name}`, 'utf8'), `docs/statecharts/${name}`).toBe(text);
    }
  });

  it("matches the Mermaid blocks in README.md's Statecharts section (worker, then router)", () => {
    expect(readmeMermaidBlocks()).toEqual([machineToMermaid(workerMachine), machineToMermaid(routerMachine)]);
  });
});
