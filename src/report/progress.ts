// A progress bar for runs that take more than a moment (DESIGN §3.10), on stderr so that stdout
// stays the table. Silent — not one byte written — when the caller turns it off (quiet), when the
// stream is not a terminal (a pipe, a file, a test runner) or when CI is set. While it draws, the
// cursor is hidden and line wrapping off (cli-progress cuts the line to the terminal's width); on
// SIGINT / SIGTERM it restores both before the signal takes its course.
//
// NOTE: the rate reads the host clock (`now`, performance.now by default). It is a display for the
// person waiting, like the real-time clock; nothing it measures reaches results.json.

import { SingleBar } from 'cli-progress';

/** The stream the bar draws on: a TTY write stream such as process.stderr. */
export type ProgressStream = NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };

export interface ProgressOptions {
  /** Requests expected in all. */
  readonly total: number;
  /** What is running, e.g. the strategy's name. */
  readonly label: string;
  /** false (e.g. --quiet) disables the bar; otherwise it shows when the stream is a TTY and CI is unset. */
  readonly enabled?: boolean;
  /** process.stderr by default. */
  readonly stream?: ProgressStream;
  /** process.env by default; a non-empty CI disables the bar. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Host time in ms, for the rate; performance.now by default. */
  readonly now?: () => number;
  /** What is counted: requests (by default, with the virtual time and the rate) or another unit such as configurations. */
  readonly unit?: string;
}

export interface ProgressExtra {
  /** Virtual time reached, ms. */
  readonly simulatedMs?: number;
}

export interface Progress {
  /** Whether anything is drawn. */
  readonly enabled: boolean;
  /** `done` requests have ended (completed, rejected or failed). */
  update(done: number, extra?: ProgressExtra): void;
  /** Draws the last state and releases the line; further calls do nothing. */
  stop(): void;
}

/** Whether a bar with these options would draw: enabled, a TTY stream, and CI unset. */
export function progressEnabled(options: Pick<ProgressOptions, 'enabled' | 'stream' | 'env'> = {}): boolean {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  return options.enabled !== false && stream.isTTY === true && (env['CI'] ?? '') === '';
}

const SILENT: Progress = { enabled: false, update: () => {}, stop: () => {} };

/** A progress bar: `label [████░░] done/total requests | sim 12.3 s | 4,567 req/s | eta 3s`; a no-op when disabled. */
export function createProgress(options: ProgressOptions): Progress {
  if (!progressEnabled(options)) return SILENT;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const bar = new SingleBar({
    stream: options.stream ?? process.stderr,
    format:
      options.unit === undefined || options.unit === 'requests'
        ? `${options.label} [{bar}] {value}/{total} requests | sim {sim} | {rate} req/s | eta {eta_formatted}`
        : `${options.label} [{bar}] {value}/{total} ${options.unit} | eta {eta_formatted}`,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    barsize: 30,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
  });
  const payload = (done: number, simulatedMs: number): { sim: string; rate: string } => {
    const seconds = (now() - started) / 1000;
    return {
      sim: `${(simulatedMs / 1000).toFixed(1)} s`,
      rate: seconds > 0 ? Math.round(done / seconds).toLocaleString('en-US') : '–',
    };
  };
  let simulatedMs = 0;
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    bar.stop();
  };
  // The bar hides the cursor and turns line wrapping off while it runs; on Ctrl-C it restores
  // both, then lets the signal do what it would have done (exit, unless someone else listens).
  const onSignal = (signal: NodeJS.Signals): void => {
    stop();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  bar.start(options.total, 0, payload(0, 0));
  return {
    enabled: true,
    update(done, extra) {
      if (stopped) return;
      if (extra?.simulatedMs !== undefined) simulatedMs = extra.simulatedMs;
      bar.update(done, payload(done, simulatedMs));
    },
    stop,
  };
}
