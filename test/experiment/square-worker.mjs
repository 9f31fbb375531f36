// A worker for the thread-pool test: squares its task after a delay that makes later tasks finish first.
import { threadId } from 'node:worker_threads';

export default async function square({ n, delayMs }) {
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  return { square: n * n, threadId };
}
