import { LlmError } from '../llm/llm-session.port';
import { ChatStatus } from './chat-status.const';

/** Spec §5.1: after this many failed starts in a row, auto-start waits for the cool-down. */
export const MAX_START_FAILURES = 3;

/** Text of any thrown value, for the user. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err) ?? String(err);
}

/**
 * The two statuses of a failed start (spec §4.5): first the counter line (or the ⛔ one once the
 * limit is reached), then what the failure most likely means, from the LlmError kind.
 */
export function startFailureStatuses(err: unknown, failures: number): [string, string] {
  const text = errorText(err);
  const first = failures >= MAX_START_FAILURES ? ChatStatus.startStopped(failures) : ChatStatus.startError(text, failures);
  return [first, classifyStartFailure(err)];
}

export function classifyStartFailure(err: unknown): string {
  const kind = err instanceof LlmError ? err.kind : undefined;
  switch (kind) {
    case 'unauthorized':
      return ChatStatus.keyRejected;
    case 'rate_limited':
      return ChatStatus.rateLimited;
    case 'unreachable':
      return ChatStatus.llmUnreachable;
    default:
      return ChatStatus.closedAbnormally(errorText(err));
  }
}

/** True for the one failure that is not counted: nothing is configured, the user must act. */
export function isNotConfigured(err: unknown): boolean {
  return err instanceof LlmError && err.kind === 'not_configured';
}

/**
 * Failed-start counter with the cool-down of spec §5.3: after MAX failures, frames that would
 * auto-start a session are dropped until `cooldownMs` after the last failure; then the count
 * starts again from zero.
 */
export class StartFailureTracker {
  private count = 0;
  private lastAt = 0;
  /** After a not_configured start, frames do not auto-start again before this time. */
  private quietUntil = 0;

  constructor(
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get failures(): number {
    return this.count;
  }

  /** One more failure; returns the new count. */
  record(): number {
    this.count += 1;
    this.lastAt = this.now();
    return this.count;
  }

  reset(): void {
    this.count = 0;
    this.lastAt = 0;
    this.quietUntil = 0;
  }

  /**
   * A start found nothing configured: not a failure (no count), but frames that keep coming (a
   * mic still running) must not start again and repeat the status many times a second.
   */
  recordNotConfigured(): void {
    this.quietUntil = this.now() + this.cooldownMs;
  }

  /** May a frame start a session by itself now? Resets the count once the cool-down is over. */
  allowsAutoStart(): boolean {
    if (this.now() < this.quietUntil) return false;
    if (this.count < MAX_START_FAILURES) return true;
    if (this.now() - this.lastAt < this.cooldownMs) return false;
    this.reset();
    return true;
  }
}
