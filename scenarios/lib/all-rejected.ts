// A run that served nothing because every request was refused is a failed run: the scenario says
// why (the first refusal's reason, and how many share its code) and exits non-zero.

import { requestLines } from '../../src/report/requests-jsonl.ts';

interface Counted {
  readonly strategy: string;
  readonly requests: { readonly submitted: number; readonly completed: number; readonly rejected: number };
}

/** One line per strategy whose every request was rejected, read from requests.jsonl's text; none when any was served. */
export function allRejectedLines(runs: readonly Counted[], requestsJsonl: string): string[] {
  const lines: string[] = [];
  for (const { strategy, requests } of runs) {
    if (requests.submitted === 0 || requests.rejected < requests.submitted) continue;
    const mine = [...requestLines(requestsJsonl)].filter((l) => l.strategy === strategy);
    const first = mine.find((l) => l.status === 'rejected');
    const sameCode = mine.filter((l) => l.endCode === first?.endCode).length;
    lines.push(
      `${strategy}: every request was rejected (${requests.rejected})` +
        (first === undefined ? '' : `; ${sameCode} as ${first.endCode}, e.g. request '${first.id}': ${first.endReason}`),
    );
  }
  return lines;
}
