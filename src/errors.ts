// The root of every error the simulator throws for a caller's mistake or a run that cannot go on:
// `error instanceof SimulatorError` tells them from bugs (plain Errors, which mean an invariant
// broke). Each module's errors extend it through the module's own base; every message names the
// option, field, file or flag at fault.

/** Base class of every error of stateful-cache-router meant for its user. */
export class SimulatorError extends Error {
  override readonly name: string = 'SimulatorError';
}

const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/** Why a file system call failed, in words (by its error code; `words` override them per caller), else its message. */
export function fsReason(error: unknown, words: Readonly<Record<string, string>> = {}): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return words[code] ?? FS_REASONS[code] ?? (error as Error).message;
}
