// The entry of a `--jobs` worker thread. On Node 20 a worker thread does not inherit tsx's module
// hooks from the process flags, so this plain module registers them before it loads the
// TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const { default: runTask } = await import('./experiment-worker.ts');
export default runTask;
