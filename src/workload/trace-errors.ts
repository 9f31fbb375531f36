// A trace that cannot be read as given: the message names the file, the line and the field.

import { SimulatorError } from '../errors.ts';

/** A malformed trace line (or an unusable trace): `<source> line <n>: <reason>`. */
export class TraceError extends SimulatorError {
  override readonly name = 'TraceError';
  constructor(
    /** The file (or the name given for inline text). */
    readonly source: string,
    /** 1-based line number; null for the trace as a whole (an empty trace). */
    readonly line: number | null,
    /** What is wrong, starting with the field: 'hash_ids[3] is -1; expected a non-negative integer'. */
    readonly reason: string,
  ) {
    super(line === null ? `${source}: ${reason}` : `${source} line ${line}: ${reason}`);
  }
}

/** A line skipped under `skipBadLines`, and why. */
export interface SkippedLine {
  readonly line: number;
  readonly reason: string;
}
