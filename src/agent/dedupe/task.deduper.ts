import type { TaskView } from '../tasks/task-registry.types';
import { MAX_COMPARED_CHARS, similarity, type Similarity } from './text-similarity.util';

/**
 * Thresholds, chosen on hand-made zh/en pairs (see task.deduper.spec.ts and text-similarity.util.spec.ts):
 * rewordings of one request ("帮我打开浏览器搜索一下今天的天气" / "打开浏览器，搜索今天的天气！", "please open the
 * browser and search today's weather" / "Open the browser and search for today's weather") score 0.84–1.0;
 * requests that differ in one detail (another city, "play music" vs "play jazz music") land at 0.45–0.8;
 * unrelated requests stay below 0.1. Dropping a real request is worse than running one twice, so only very
 * close texts (with the same numbers) are dropped without a judge, and everything in between is a close call.
 */
export const DUPLICATE_JACCARD = 0.8;
/** Below both of these the texts are clearly different and no judge is asked. */
export const CLOSE_CALL_JACCARD = 0.3;
export const CLOSE_CALL_CONTAINMENT = 0.6;
/** A completed task still counts as a candidate this long after it ended (the same request said again). */
export const RECENT_COMPLETED_WINDOW_MS = 60_000;
/** Time limit of one judge call; a time-out counts as "not a duplicate". */
export const JUDGE_TIMEOUT_MS = 5_000;
/** At most this many close calls go to the judge per check (best-scoring first). */
export const MAX_JUDGE_CALLS = 3;
/** Upper bound of candidates compared per check. */
export const MAX_CANDIDATES = 500;

/**
 * Decides whether `candidate` (new) has the same goal as, or is a strict subset of, `existing`.
 * `signal` fires when the deduper stops waiting (its time limit): the judge should stop its work then.
 */
export type DuplicateJudge = (candidate: string, existing: string, signal?: AbortSignal) => Promise<boolean>;

export interface DedupeOptions {
  readonly judge?: DuplicateJudge;
  readonly judgeTimeoutMs?: number;
  readonly recentWindowMs?: number;
  readonly clock?: () => Date;
}

export interface DedupeVerdict {
  readonly duplicate: boolean;
  readonly matched_id: string | null;
  /** Jaccard score of the best match (0 when there was nothing to compare). */
  readonly score: number;
  /** `text`: settled by similarity alone; `judge`: by the judge; `none`: no candidates. */
  readonly decided_by: 'none' | 'text' | 'judge';
  /** Judge calls that failed or timed out (each counted as "not a duplicate"). */
  readonly judge_failures: number;
}

/** The text a task is compared by: `params.query`, else `params.instruction` (spec §7.5). */
export function taskDescription(task: Pick<TaskView, 'params'>): string {
  const p = task.params ?? {};
  const text = typeof p.query === 'string' && p.query.trim() ? p.query : p.instruction;
  return typeof text === 'string' ? text.slice(0, MAX_COMPARED_CHARS) : '';
}

/**
 * Task de-duplication of spec §7.5, cheap first: text similarity settles clear cases, only close calls go to
 * the optional async judge (the LLM), each within a time limit. Candidates are queued/running tasks of the same
 * character (or of none) plus tasks completed within the recent window.
 */
export class TaskDeduper {
  private readonly judgeTimeoutMs: number;
  private readonly recentWindowMs: number;
  private readonly clock: () => Date;

  constructor(private readonly options: DedupeOptions = {}) {
    this.judgeTimeoutMs = Math.max(1, options.judgeTimeoutMs ?? JUDGE_TIMEOUT_MS);
    this.recentWindowMs = Math.max(0, options.recentWindowMs ?? RECENT_COMPLETED_WINDOW_MS);
    this.clock = options.clock ?? (() => new Date());
  }

  /** The tasks a new request of `lanlanName` is compared with. */
  candidates(tasks: readonly TaskView[], lanlanName: string | null): TaskView[] {
    const now = this.clock().getTime();
    return tasks
      .filter((t) => t.lanlan_name === null || lanlanName === null || t.lanlan_name === lanlanName)
      .filter((t) => {
        if (t.status === 'queued' || t.status === 'running') return true;
        if (t.status !== 'completed' || !t.end_time) return false;
        const ended = Date.parse(t.end_time);
        return Number.isFinite(ended) && now - ended <= this.recentWindowMs;
      })
      .slice(0, MAX_CANDIDATES);
  }

  /** Whether `description` repeats one of `tasks` (already filtered or not; filtering is applied here). */
  async check(description: string, lanlanName: string | null, tasks: readonly TaskView[]): Promise<DedupeVerdict> {
    const text = typeof description === 'string' ? description.slice(0, MAX_COMPARED_CHARS) : '';
    const scored = this.candidates(tasks, lanlanName)
      .map((task) => ({ task, desc: taskDescription(task) }))
      .filter((c) => c.desc.trim() !== '')
      .map((c) => ({ ...c, sim: similarity(text, c.desc) }))
      .sort((x, y) => y.sim.jaccard - x.sim.jaccard || y.sim.containment - x.sim.containment);
    if (scored.length === 0 || text.trim() === '') return verdict(false, null, 0, 'none', 0);
    const best = scored[0];
    const clear = scored.find((c) => isClearDuplicate(c.sim));
    if (clear) return verdict(true, clear.task.id, clear.sim.jaccard, 'text', 0);
    const close = scored.filter((c) => isCloseCall(c.sim)).slice(0, MAX_JUDGE_CALLS);
    if (close.length === 0 || !this.options.judge) return verdict(false, null, best.sim.jaccard, 'text', 0);
    let failures = 0;
    for (const c of close) {
      const answer = await this.ask(text, c.desc);
      if (answer === 'failed') failures += 1;
      if (answer === true) return verdict(true, c.task.id, c.sim.jaccard, 'judge', failures);
    }
    return verdict(false, null, best.sim.jaccard, 'judge', failures);
  }

  private async ask(candidate: string, existing: string): Promise<boolean | 'failed'> {
    const judge = this.options.judge;
    if (!judge) return 'failed';
    let timer: NodeJS.Timeout | undefined;
    const stop = new AbortController();
    const timeout = new Promise<'failed'>((resolve) => {
      timer = setTimeout(() => resolve('failed'), this.judgeTimeoutMs);
      timer.unref?.();
    });
    try {
      const call = Promise.resolve()
        .then(() => judge(candidate, existing, stop.signal))
        .then((answer) => answer === true, () => 'failed' as const);
      return await Promise.race([call, timeout]);
    } finally {
      clearTimeout(timer);
      stop.abort(); // a judge still working after the time limit is told to give up
    }
  }
}

function isClearDuplicate(sim: Similarity): boolean {
  return sim.sameNumbers && sim.jaccard >= DUPLICATE_JACCARD;
}

function isCloseCall(sim: Similarity): boolean {
  return sim.jaccard >= CLOSE_CALL_JACCARD || sim.containment >= CLOSE_CALL_CONTAINMENT;
}

function verdict(duplicate: boolean, matchedId: string | null, score: number, decidedBy: DedupeVerdict['decided_by'], failures: number): DedupeVerdict {
  return { duplicate, matched_id: matchedId, score: Math.round(score * 1000) / 1000, decided_by: decidedBy, judge_failures: failures };
}
