// The dashboard's picture of one run, folded from the bus one message at a time. It only reads:
// no clock, no I/O, nothing sent back, so a run watched by a dashboard is the run unwatched. What
// the messages do not say (a worker's queue and cache right now) comes from a cluster sample that
// the server takes when it draws a snapshot.
// Cost: O(1) per message (a Map entry per request in flight); O(workers + buckets) per view.

import { tokenAt, type Message, type RequestId, type WorkerId } from '../messages.ts';
import { ratio } from '../metrics/summary.ts';
import type { DecisionView, FaultView, LiveView, Totals, WorkerStatus, WorkerView } from './snapshot.ts';
import { TimeSeries } from './time-series.ts';

/** A stall of the run's fault list: not a message (a worker just slows down), so the label carries it. */
export interface Stall {
  readonly worker: WorkerId;
  readonly at: number;
  readonly factor: number;
}

/** Which run this is, and what the messages alone do not carry. */
export interface RunLabel {
  readonly scenario: string;
  readonly strategy: string;
  /** 1-based position of this strategy among the run's strategies. */
  readonly runIndex: number;
  readonly runCount: number;
  readonly workers: number;
  /** Tokens per KV block. */
  readonly blockSize: number;
  /** Shown when the run's time passes them. */
  readonly stalls?: readonly Stall[];
}

/** A worker as the cluster's snapshot() reports it (the part the dashboard reads). */
export interface WorkerSample {
  readonly id: WorkerId;
  readonly waiting: number;
  readonly prefilling: number;
  readonly running: number;
  readonly usage: { readonly capacity: number | 'unbounded'; readonly used: number; readonly free: number; readonly evictable: number };
}

export interface ClusterSample {
  readonly now: number;
  readonly workers: readonly WorkerSample[];
}

/** Routing decisions and faults kept for the page. */
export const KEPT_DECISIONS = 12;
const KEPT_FAULTS = 20;

interface WorkerAcc {
  status: WorkerStatus;
  since: number;
  timeIn: Record<WorkerStatus, number>;
  waiting: number;
  running: number;
  routed: number;
  completed: number;
  preempted: number;
  hitTokens: number;
  queriedTokens: number;
}

const newWorker = (): WorkerAcc => ({
  status: 'idle',
  since: 0,
  timeIn: { idle: 0, prefill: 0, decode: 0, down: 0 },
  waiting: 0,
  running: 0,
  routed: 0,
  completed: 0,
  preempted: 0,
  hitTokens: 0,
  queriedTokens: 0,
});

export class DashboardState {
  private readonly workers: WorkerAcc[];
  private readonly series = new TimeSeries();
  private readonly rules: Record<string, number> = {};
  private decisions: DecisionView[] = [];
  private faults: FaultView[] = [];
  private readonly stalls: Stall[];
  /** Submission time of each request whose first token has not come yet. */
  private readonly awaitingFirstToken = new Map<RequestId, number>();
  /** Requests admitted once and not ended: their later admissions (after a preemption) are not counted as queries. */
  private readonly admitted = new Set<RequestId>();
  private counts = { submitted: 0, routed: 0, completed: 0, rejected: 0, failed: 0, retried: 0, preempted: 0 };
  private hitTokens = 0;
  private queriedTokens = 0;
  private ttftSum = 0;
  private ttftCount = 0;
  /** The latest message time: the view's time when there is no sample. */
  private latest = 0;

  constructor(readonly label: RunLabel) {
    this.workers = Array.from({ length: label.workers }, newWorker);
    this.stalls = [...(label.stalls ?? [])].sort((a, b) => a.at - b.at);
  }

  /** Folds one bus message into the picture. Never throws on a message it does not expect. */
  observe(m: Message): void {
    this.latest = Math.max(this.latest, m.at);
    while (this.stalls.length > 0 && this.stalls[0]!.at <= m.at) {
      const s = this.stalls.shift()!;
      this.fault({ at: s.at, kind: 'stall', workerId: s.worker, text: s.factor === 1 ? `worker ${s.worker} back to normal speed` : `worker ${s.worker} stalls: ${s.factor}× slower per step` });
    }
    switch (m.type) {
      case 'REQUEST.SUBMITTED':
        this.counts.submitted++;
        this.awaitingFirstToken.set(m.request.id, m.at);
        break;
      case 'REQUEST.ROUTED': {
        const d = m.decision;
        this.counts.routed++;
        const w = this.workers[d.workerId];
        if (w !== undefined) w.routed++;
        this.rules[d.rule] = (this.rules[d.rule] ?? 0) + 1;
        this.decisions.unshift({ at: m.at, requestId: m.request.id, workerId: d.workerId, rule: d.rule, reason: d.reason, predictedBlocks: d.predictedBlocks });
        if (this.decisions.length > KEPT_DECISIONS) this.decisions.length = KEPT_DECISIONS;
        break;
      }
      case 'REQUEST.ADMITTED': {
        if (this.admitted.has(m.requestId)) break;
        this.admitted.add(m.requestId);
        // As the recorder counts it: cached leading blocks × block size of the prompt's tokens.
        const hit = m.cachedBlocks * this.label.blockSize;
        this.hitTokens += hit;
        this.queriedTokens += m.promptTokens;
        this.series.addAdmission(m.at, hit, m.promptTokens);
        const w = this.workers[m.workerId];
        if (w !== undefined) {
          w.hitTokens += hit;
          w.queriedTokens += m.promptTokens;
        }
        break;
      }
      case 'REQUEST.TOKENS': {
        const submitted = this.awaitingFirstToken.get(m.requestId);
        if (m.offset !== 0 || submitted === undefined) break;
        this.awaitingFirstToken.delete(m.requestId);
        const first = tokenAt(m, 0);
        this.ttftSum += first - submitted;
        this.ttftCount++;
        this.series.addTtft(first, first - submitted);
        break;
      }
      case 'REQUEST.PREEMPTED': {
        this.counts.preempted++;
        const w = this.workers[m.workerId];
        if (w !== undefined) w.preempted++;
        break;
      }
      case 'REQUEST.COMPLETED': {
        this.counts.completed++;
        const w = this.workers[m.workerId];
        if (w !== undefined) w.completed++;
        this.ended(m.requestId);
        break;
      }
      case 'REQUEST.REJECTED':
        this.counts.rejected++;
        this.ended(m.requestId);
        this.fault({ at: m.at, kind: 'rejected', workerId: m.workerId, text: `rejected (${m.code}): ${m.reason}` });
        break;
      case 'REQUEST.FAILED':
        this.counts.failed++;
        this.ended(m.requestId);
        this.fault({ at: m.at, kind: 'failed', workerId: m.workerId, text: `failed: ${m.reason}` });
        break;
      case 'REQUEST.RETRY':
        this.counts.retried++;
        this.fault({ at: m.at, kind: 'retry', workerId: m.workerId, text: `routed again: ${m.reason}` });
        break;
      case 'WORKER.STATE': {
        const w = this.workers[m.workerId];
        if (w === undefined) break;
        this.enter(w, m.state, m.at);
        w.waiting = m.waiting;
        w.running = m.running;
        break;
      }
      case 'WORKER.UP': {
        const w = this.workers[m.workerId];
        if (w === undefined) break;
        if (w.status === 'down') this.fault({ at: m.at, kind: 'up', workerId: m.workerId, text: `worker ${m.workerId} restarted, its cache empty` });
        this.enter(w, 'idle', m.at);
        break;
      }
      case 'WORKER.DOWN': {
        const w = this.workers[m.workerId];
        if (w === undefined) break;
        this.enter(w, 'down', m.at);
        w.waiting = 0;
        w.running = 0;
        this.fault({ at: m.at, kind: 'down', workerId: m.workerId, text: `worker ${m.workerId} down: ${m.reason}` });
        break;
      }
      default:
        break; // KV events: the cache comes from the sample, which counts what the events cannot (blocks in use)
    }
  }

  /** Virtual time of the latest message. */
  get latestAt(): number {
    return this.latest;
  }

  /** The run's totals so far. */
  totals(): Totals {
    return { ...this.counts, hitRate: ratio(this.hitTokens, this.queriedTokens), ttftMeanMs: this.ttftCount === 0 ? null : this.ttftSum / this.ttftCount };
  }

  /** The picture at the sample's time (or the latest message's, without a sample). */
  view(sample?: ClusterSample): LiveView {
    const now = Math.max(this.latest, sample?.now ?? 0);
    const workers = this.workers.map((w, id): WorkerView => {
      const s = sample?.workers[id];
      const timeIn = { ...w.timeIn };
      timeIn[w.status] += Math.max(0, now - w.since);
      return {
        id,
        status: w.status,
        timeIn,
        waiting: s?.waiting ?? w.waiting,
        running: s === undefined ? w.running : s.prefilling + s.running,
        cache:
          s === undefined
            ? null
            : { capacity: s.usage.capacity, used: s.usage.used, cachedFree: s.usage.evictable, empty: s.usage.free - s.usage.evictable },
        routed: w.routed,
        completed: w.completed,
        preempted: w.preempted,
        hitRate: ratio(w.hitTokens, w.queriedTokens),
      };
    });
    const { scenario, strategy, runIndex, runCount } = this.label;
    return {
      scenario,
      strategy,
      runIndex,
      runCount,
      now,
      totals: this.totals(),
      workers,
      series: { bucketMs: this.series.bucketMs, points: this.series.points() },
      rules: { ...this.rules },
      decisions: [...this.decisions],
      faults: [...this.faults],
    };
  }

  private enter(w: WorkerAcc, status: WorkerStatus, at: number): void {
    if (w.status === status) return;
    w.timeIn[w.status] += Math.max(0, at - w.since);
    w.status = status;
    w.since = at;
  }

  private ended(id: RequestId): void {
    this.awaitingFirstToken.delete(id);
    this.admitted.delete(id);
  }

  /** Logs a fault, newest first; the same fault of the same worker at the same instant is counted, not repeated. */
  private fault(f: Omit<FaultView, 'count'>): void {
    const last = this.faults[0];
    if (last !== undefined && last.kind === f.kind && last.workerId === f.workerId && last.at === f.at) {
      this.faults[0] = { ...last, count: last.count + 1 };
      return;
    }
    this.faults.unshift({ ...f, count: 1 });
    if (this.faults.length > KEPT_FAULTS) this.faults.length = KEPT_FAULTS;
  }
}
