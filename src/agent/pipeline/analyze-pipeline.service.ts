import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { AgentToMain, type AnalyzeRequestEvent } from '../../shared/contracts/agent-bridge.contract';
import type { AgentChannelAdapter } from '../adapters/agent-channel.port';
import { AGENT_CHANNELS } from '../adapters/agent-channels.token';
import { AgentResultsClient } from '../bridge/agent-results.client';
import { AnalyzeInboxService } from '../bridge/analyze-inbox.service';
import { AgentFlagsService } from '../state/agent-flags.service';
import { AgentStatusService } from '../state/agent-status.service';
import { TaskRegistryError } from '../tasks/task-registry.types';
import { TaskAnalyzerService, type AnalyzeInput } from './task-analyzer.service';
import { TaskRunnerService } from './task-runner.service';
import { SerialQueue } from './serial-queue.util';

/** Bounds: pending analyses (oldest dropped), messages per request, characters per message, remembered characters. */
export const PIPELINE_LIMITS = { pending: 50, messages: 20, messageChars: 4_000, fingerprints: 256, notificationChars: 500 } as const;
const DEFAULT_KEY = '__default__';

interface PendingAnalysis {
  readonly input: AnalyzeInput;
  readonly key: string;
  readonly fingerprint: string;
  readonly conversationId?: string;
}

/** `text` first, then `content` (spec §8.3); roles other than user/assistant and empty texts are dropped. */
export function normaliseMessages(messages: unknown): AnalyzeInput['messages'] {
  if (!Array.isArray(messages)) return [];
  const out: { role: 'user' | 'assistant'; text: string }[] = [];
  for (const m of messages.slice(-PIPELINE_LIMITS.messages) as unknown[]) {
    if (typeof m !== 'object' || m === null) continue;
    const { role, text, content } = m as { role?: unknown; text?: unknown; content?: unknown };
    if (role !== 'user' && role !== 'assistant') continue;
    const raw = typeof text === 'string' && text.trim() ? text : typeof content === 'string' ? content : '';
    const clipped = raw.trim().slice(0, PIPELINE_LIMITS.messageChars);
    if (clipped) out.push({ role, text: clipped });
  }
  return out;
}

/** SHA-256 of the user texts (stripped, joined by \n); undefined when there is no user text (spec §8.3). */
export function requestFingerprint(messages: AnalyzeInput['messages']): string | undefined {
  const texts = messages.filter((m) => m.role === 'user').map((m) => m.text.trim()).filter((t) => t !== '');
  if (texts.length === 0) return undefined;
  return createHash('sha256').update(texts.join('\n'), 'utf8').digest('hex');
}

/**
 * The live path (spec §8.3 and §8.6): accepted analyze requests → analyzer on/off check → fingerprint
 * de-duplication per character → one analysis at a time (one global queue) over the usable channels →
 * the decision goes to the task runner. Failures reach the character as agent_notification.
 */
@Injectable()
export class AnalyzePipelineService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('AnalyzePipeline');
  private readonly fingerprints = new Map<string, string>();
  private readonly pending = new SerialQueue<PendingAnalysis>(
    (item) => this.runOne(item),
    (err) => this.logger.error(`analysis failed unexpectedly: ${String(err)}`),
  );
  private current: AbortController | undefined;
  private subscription: Subscription | undefined;
  private unregisterEndAll: (() => void) | undefined;

  constructor(
    private readonly inbox: AnalyzeInboxService,
    private readonly flags: AgentFlagsService,
    private readonly status: AgentStatusService,
    private readonly analyzer: TaskAnalyzerService,
    private readonly runner: TaskRunnerService,
    private readonly results: AgentResultsClient,
    @Inject(AGENT_CHANNELS) private readonly channels: readonly AgentChannelAdapter[],
  ) {}

  onModuleInit(): void {
    this.subscription = this.inbox.requests$.subscribe((event) => this.accept(event));
    this.unregisterEndAll = this.status.onEndAll(() => this.reset());
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    this.unregisterEndAll?.();
    this.reset();
  }

  /** Resolves when no analysis is running or waiting. */
  idle(): Promise<void> {
    return this.pending.idle();
  }

  /** end_all / analyzer off: forget fingerprints, drop waiting analyses, abort the running one. */
  reset(): void {
    this.fingerprints.clear();
    const dropped = this.pending.clear();
    if (dropped > 0) this.logger.log(`dropped ${dropped} waiting analyses`);
    this.current?.abort();
  }

  accept(event: AnalyzeRequestEvent): void {
    if (!this.flags.analyzerEnabled) return;
    const messages = normaliseMessages(event?.messages);
    const fingerprint = requestFingerprint(messages);
    if (!fingerprint) return;
    const lanlan = typeof event.lanlan_name === 'string' ? event.lanlan_name : '';
    const key = lanlan || DEFAULT_KEY;
    if (this.fingerprints.get(key) === fingerprint) {
      this.logger.debug(`analyze_request for ${key}: same user texts as last time, skipped`);
      return;
    }
    if (this.pending.length >= PIPELINE_LIMITS.pending) {
      const dropped = this.pending.dropOldest();
      // A dropped request was never analysed: the same texts sent again must not count as "seen".
      if (dropped && this.fingerprints.get(dropped.key) === dropped.fingerprint) this.fingerprints.delete(dropped.key);
      this.logger.warn(`analysis queue full: dropped the oldest request (${dropped?.key ?? '?'})`);
    }
    const conversationId = typeof event.conversation_id === 'string' ? event.conversation_id : undefined;
    // Stored only with the request queued, so only requests that will be analysed absorb their repeats.
    this.fingerprints.delete(key);
    this.fingerprints.set(key, fingerprint);
    if (this.fingerprints.size > PIPELINE_LIMITS.fingerprints) this.fingerprints.delete(this.fingerprints.keys().next().value as string);
    this.pending.push({ input: { lanlan_name: lanlan, messages }, key, fingerprint, ...(conversationId ? { conversationId } : {}) });
  }

  /** One queued analysis (the queue runs them one at a time, in arrival order: the spec's global lock). */
  private async runOne(next: PendingAnalysis): Promise<void> {
    const controller = new AbortController();
    this.current = controller;
    try {
      await this.analyse(next, controller.signal);
    } catch (err) {
      // end_all / reset aborted it, or the runner dropped it (TaskDroppedError): nothing to tell.
      if (controller.signal.aborted) return;
      // A full queue or too many active tasks is the agent's load, not something the character should say.
      if (err instanceof TaskRegistryError) this.logger.warn(`decision for ${next.key} not queued: ${err.message}`);
      else this.notify(next.input.lanlan_name, '💥 Agent后台任务异常', err);
    } finally {
      this.current = undefined;
    }
  }

  private async analyse(item: PendingAnalysis, signal: AbortSignal): Promise<void> {
    const { input } = item;
    const usable = this.channels.filter((a) => this.status.isChannelUsable(a.channel));
    if (usable.length === 0) {
      this.logger.debug(`analysis for ${input.lanlan_name || DEFAULT_KEY} skipped: no usable channel`);
      return;
    }
    const outcome = await this.analyzer.analyze(input, usable, signal);
    if (signal.aborted) return;
    const { decision } = outcome;
    if (!decision) {
      if (outcome.errors.length > 0) this.notify(input.lanlan_name, '⚠️ Agent评估失败', outcome.errors.join('; '));
      else this.logger.log(`no task for ${input.lanlan_name || DEFAULT_KEY}: ${outcome.reason.slice(0, 300)}`);
      return;
    }
    if (!this.status.isChannelUsable(decision.channel)) {
      this.logger.log(`decision for ${decision.channel} dropped: the channel was switched off meanwhile`);
      return;
    }
    const submitted = await this.runner.submit(
      {
        channel: decision.channel,
        description: decision.description,
        request: decision.request,
        lanlan_name: input.lanlan_name || null,
        plan: decision.plan,
        ...(item.conversationId ? { conversation_id: item.conversationId } : {}),
      },
      { signal, origin: 'analyzer' },
    );
    // A duplicate is only logged, never told to the character: a finished match (the recent-completed window
    // guards against the analyzer re-creating a task from the history it just answered) was already reported by
    // its own task_result, and a queued/running match will report when it ends.
    if (submitted.status === 'duplicate') this.logger.log(`decision for ${decision.channel} repeats task ${submitted.matched_id ?? '?'}; not queued`);
  }

  private notify(lanlan: string, prefix: string, err: unknown): void {
    const message = (err instanceof Error ? err.message : String(err)).slice(0, PIPELINE_LIMITS.notificationChars);
    this.logger.warn(`${prefix}: ${message}`);
    const sent = this.results.send({
      event_type: AgentToMain.AgentNotification,
      lanlan_name: lanlan || null,
      text: `${prefix}: ${message}`,
      source: 'brain',
      status: 'error',
      error_message: message,
    });
    if (!sent) this.logger.warn('agent_notification dropped (results queue full or closed)');
  }
}
