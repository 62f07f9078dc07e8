/**
 * The realtime session's two clocks (spec §6.4): a receive time-out (no provider event for
 * `receiveTimeoutMs` while one is due → the connection counts as lost) and, for glm/free only, the
 * silence timeout (`silenceTimeoutMs` without user speech, reported once until the user speaks).
 */
export interface WatchdogOptions {
  readonly receiveTimeoutMs: number;
  /** undefined = no silence timer (providers other than glm/free). */
  readonly silenceTimeoutMs: number | undefined;
}

export interface WatchdogHooks {
  /** A reply or a user turn is pending, so the provider owes us events. */
  readonly waiting: () => boolean;
  /** The user is speaking now (no silence timeout during speech). */
  readonly speaking: () => boolean;
  readonly onReceiveTimeout: () => void;
  readonly onSilence: () => void;
}

export class RealtimeWatchdog {
  private lastEventAt = Date.now();
  private lastSpeechAt = Date.now();
  private silenceFired = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: WatchdogOptions) {}

  /** Any provider event arrived. */
  heard(): void {
    this.lastEventAt = Date.now();
  }

  /** The user started speaking. */
  speech(): void {
    this.lastSpeechAt = Date.now();
    this.silenceFired = false;
  }

  start(hooks: WatchdogHooks): void {
    this.stop();
    this.lastEventAt = this.lastSpeechAt = Date.now();
    const receiveMs = this.options.receiveTimeoutMs;
    this.timers.push(
      setInterval(() => {
        if (hooks.waiting() && Date.now() - this.lastEventAt > receiveMs) {
          this.stop();
          hooks.onReceiveTimeout();
        }
      }, Math.max(50, Math.min(5000, receiveMs / 4))),
    );
    const silenceMs = this.options.silenceTimeoutMs;
    if (silenceMs === undefined) return;
    this.timers.push(
      setInterval(() => {
        if (this.silenceFired || hooks.speaking()) return;
        if (Date.now() - this.lastSpeechAt >= silenceMs) {
          this.silenceFired = true;
          hooks.onSilence();
        }
      }, Math.max(20, Math.min(10_000, silenceMs / 4))),
    );
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}
