// When the steps of a decode segment end. Nothing changes a segment's batch, so the length of
// each of its steps is known when it is planned: equal steps (the seed's model) in closed form,
// or a table of their ends (a model where a step's cost grows with the contexts it reads).

import type { LatencyModel, Step } from '../latency-model.ts';
import type { HeldTokens } from './sequence.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The ends of a segment's steps, in virtual ms. */
export interface StepTimes {
  /** When step j ends; j = 0 is the segment's start. */
  end(j: number): number;
  /** How long step j lasts. */
  length(j: number): number;
  /** How many steps end at or before `now`. */
  over(now: number): number;
  /** The first step that ends at or after `now`: where a segment cut at `now` stops. */
  boundary(now: number): number;
}

/** Steps of `stepMs` each from `start`. */
export function uniformSteps(start: number, stepMs: number): StepTimes {
  return {
    end: (j) => start + stepMs * j,
    length: () => stepMs,
    over: (now) => Math.floor((now - start) / stepMs + 1e-9),
    boundary: (now) => Math.ceil((now - start) / stepMs - 1e-9),
  };
}

/** Steps ending at `ends[1..]`, with `ends[0]` the start; ends must increase. */
export function tabledSteps(ends: Float64Array): StepTimes {
  const last = ends.length - 1;
  return {
    end: (j) => ends[j] as number,
    length: (j) => (ends[j] as number) - (ends[j - 1] as number),
    over(now) {
      // Largest j with ends[j] ≤ now.
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((ends[mid] as number) <= now) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    },
    boundary(now) {
      // Smallest j with ends[j] ≥ now (the last step if none: the segment ends anyway).
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((ends[mid] as number) >= now) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
  };
}

/**
 * When each of the next `steps` decode steps of `running` ends, from `start` (`ends[0]`), as
 * `latency` prices them: a sequence holding n tokens reads n + j − 1 at step j. `contexts` is
 * scratch space, reused from one segment to the next.
 */
export function decodeStepEnds(start: number, steps: number, running: readonly HeldTokens[], latency: LatencyModel, contexts: number[]): Float64Array {
  const ends = new Float64Array(steps + 1);
  ends[0] = start;
  contexts.length = 0;
  let attended = 0;
  for (const seq of running) {
    const n = seq.promptTokens + seq.generated;
    contexts.push(n);
    attended += n;
  }
  const step: Mutable<Step> = {
    kind: 'decode', prefillTokens: 0, prefillBlocks: 0, sequences: contexts.length, contextLengths: contexts, attendedTokens: 0, attentionPairs: 0,
  };
  for (let j = 1; j <= steps; j++) {
    if (j > 1) {
      for (let i = 0; i < contexts.length; i++) contexts[i]!++;
      attended += contexts.length;
    }
    step.attendedTokens = step.attentionPairs = attended;
    ends[j] = (ends[j - 1] as number) + latency.stepMs(step);
  }
  return ends;
}
