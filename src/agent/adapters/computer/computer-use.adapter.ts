import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { clampTimeoutMs } from '../../../shared/llm/chat-completion.port';
import { sleep, untilAborted } from '../../llm/abort.util';
import { AgentLlmError, type AgentLlmPort } from '../../llm/agent-llm.port';
import { AgentReason } from '../../tasks/agent-status.snapshot';
import {
  boundText,
  CHANNEL_REASON,
  RESULT_LIMITS,
  type AgentChannelAdapter,
  type ChannelDescription,
  type ChannelExecuteOptions,
  type ChannelReadiness,
  type ChannelRequest,
  type ChannelResult,
} from '../agent-channel.port';
import { progressReporter, type ProgressReport } from '../channel-progress.util';
import { captureMismatch, performAction, pixelMap } from './computer-action.executor';
import { parseComputerStep } from './computer-action.parser';
import { computerUseMessages, describeAction, type StepRecord } from './computer-use.prompts';
import { DisplayLostError, loadRobotDriver, type DesktopDriver, type DriverLoad } from './desktop.driver';
import { ScreenshotEncoder, SCREENSHOT_DEFAULTS } from './screenshot.encoder';

export interface ComputerUseOptions {
  /** Steps per task (default 30, at most 50). */
  maxSteps: number;
  /** One model call (default 90 s). */
  stepTimeoutMs: number;
  /** The whole task unless the request sets `timeoutMs` (default 5 min, at most 1 h). */
  taskTimeoutMs: number;
  /** Pause after a step's actions so the screen can update (default 500 ms). */
  settleMs: number;
  jpegBudgetBytes: number;
  /** Longest side of the sent screenshot (default 1280). */
  maxImageSide: number;
  /** Steps whose notes the model sees (default 3, 0..10; only the latest screenshot is sent). */
  historySteps: number;
  /** Injected desktop; default: @jitsi/robotjs, loaded on first use. */
  driver?: DesktopDriver;
}

export const COMPUTER_USE_DEFAULTS: ComputerUseOptions = {
  maxSteps: 30,
  stepTimeoutMs: 90_000,
  taskTimeoutMs: 5 * 60_000,
  settleMs: 500,
  jpegBudgetBytes: SCREENSHOT_DEFAULTS.budgetBytes,
  maxImageSide: SCREENSHOT_DEFAULTS.maxSide,
  historySteps: 3,
};

const MAX_STEPS = 50;
const MAX_HISTORY = 10;
const MAX_TASK_MS = 60 * 60_000;
const MAX_INSTRUCTION = 2000;
const DRIVER_RETRY_MS = 30_000;

/**
 * Computer-use channel (spec §8.7): screenshot → one agent-tier vision call → up to 5 actions on the
 * real desktop → settle, until the model says done, the step limit, the deadline or a cancel.
 */
export class ComputerUseAdapter implements AgentChannelAdapter {
  readonly channel = 'computer_use' as const;
  private readonly options: ComputerUseOptions;
  private load?: { at: number; result: Promise<DriverLoad>; failed?: boolean };
  private busy = false;
  private readonly logger = new Logger('ComputerUse');

  constructor(
    private readonly llm: AgentLlmPort,
    options: Partial<ComputerUseOptions> = {},
  ) {
    const o = { ...COMPUTER_USE_DEFAULTS, ...options };
    const int = (v: number, min: number, max: number, fallback: number) => (Number.isFinite(v) ? Math.min(max, Math.max(min, Math.floor(v))) : fallback);
    o.maxSteps = int(o.maxSteps, 1, MAX_STEPS, COMPUTER_USE_DEFAULTS.maxSteps);
    o.historySteps = int(o.historySteps, 0, MAX_HISTORY, COMPUTER_USE_DEFAULTS.historySteps);
    this.options = o;
  }

  async readiness(): Promise<ChannelReadiness> {
    const load = await this.driver();
    if (!load.driver) return { ready: false, reason: load.reason ?? CHANNEL_REASON.desktopNotAvailable };
    // The display may have gone since the load.
    if (!(await this.displayAnswers(load.driver))) return { ready: false, reason: CHANNEL_REASON.desktopNotAvailable };
    try {
      const llm = await this.llm.readiness('agent');
      return { ready: llm.ready, reason: llm.ready ? '' : llm.reason };
    } catch {
      return { ready: false, reason: AgentReason.LlmUnreachable };
    }
  }

  async describe(): Promise<ChannelDescription> {
    const load = await this.driver();
    return {
      channel: this.channel,
      actions: [
        {
          name: 'desktop',
          description:
            'Operate the computer desktop like a person (look at the screen, move and click the mouse, type, press keys, scroll) to carry out a task in any desktop application.',
          inputSchema: {
            type: 'object',
            properties: { instruction: { type: 'string', description: 'What to do on the desktop, self-contained' } },
            required: ['instruction'],
          },
        },
      ],
      problems: load.driver ? [] : [{ source: 'desktop', error: load.message ?? load.reason ?? 'unavailable' }],
    };
  }

  async execute(request: ChannelRequest, options: ChannelExecuteOptions = {}): Promise<ChannelResult> {
    const instruction = Array.from((request.instruction ?? '').slice(0, MAX_INSTRUCTION * 2).trim()).slice(0, MAX_INSTRUCTION).join('');
    if (!instruction) return failure('no instruction given');
    // The desktop has one mouse: a second task would fight over it.
    if (this.busy) return failure('computer use is busy with another task');
    this.busy = true;
    const timeoutMs = clampTimeoutMs(request.timeoutMs, this.options.taskTimeoutMs, MAX_TASK_MS);
    const abort = new AbortController();
    const onCancel = () => abort.abort('cancelled');
    if (options.signal?.aborted) onCancel();
    options.signal?.addEventListener('abort', onCancel, { once: true });
    const timer = setTimeout(() => abort.abort(`timed out after ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    try {
      const load = await this.driver();
      if (!load.driver) return failure(`computer use unavailable: ${load.message ?? load.reason}`);
      return await this.run(instruction, load.driver, abort.signal, progressReporter(options.onProgress));
    } catch (err) {
      if (err instanceof DisplayLostError) this.forget(err);
      return failure(`computer use failed: ${errorText(err)}`);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCancel);
      this.busy = false;
    }
  }

  private async run(instruction: string, driver: DesktopDriver, signal: AbortSignal, onProgress: ProgressReport): Promise<ChannelResult> {
    const { maxSteps, historySteps } = this.options;
    const encoder = new ScreenshotEncoder({ budgetBytes: this.options.jpegBudgetBytes, maxSide: this.options.maxImageSide });
    const history: StepRecord[] = [];
    let unparsable = 0;
    const stopped = () => failure(String(signal.reason ?? 'cancelled'), log(history));
    for (let step = 1; step <= maxSteps; step++) {
      if (signal.aborted) return stopped();
      onProgress({ stage: 'step', message: `step ${step}/${maxSteps}`, progress: (step - 1) / maxSteps });
      await driver.check();
      const screen = driver.screenSize();
      const capture = driver.capture();
      const mismatch = captureMismatch(capture, screen);
      if (mismatch) return failure(`computer use cannot map the screen: ${mismatch}`, log(history));
      const started = performance.now();
      const shot = await encoder.encode(capture);
      this.logger.debug(
        `step ${step}: screenshot ${shot.width}x${shot.height} q${shot.quality} ${Math.round(shot.jpeg.length / 1024)} KB, ${shot.encodes} encode(s) in ${Math.round(performance.now() - started)} ms`,
      );
      const recent = historySteps > 0 ? history.slice(-historySteps) : [];
      const messages = computerUseMessages({ instruction, step, maxSteps, history: recent, earlierSteps: history.length - recent.length, jpeg: shot.jpeg });
      let reply: unknown;
      try {
        const call = this.llm.completeJson('agent', messages, { signal, timeoutMs: this.options.stepTimeoutMs, temperature: 0, maxTokens: 1024 });
        reply = await untilAborted(call, signal);
      } catch (err) {
        if (signal.aborted) return stopped();
        if (!(err instanceof AgentLlmError && err.kind === 'parse')) return failure(`model call failed: ${errorText(err)}`, log(history));
        reply = undefined;
      }
      if (signal.aborted) return stopped();
      const parsed = parseComputerStep(reply);
      if ('error' in parsed) {
        if (++unparsable >= 2) return failure("the model's replies could not be understood", log(history));
        history.push({ step, thought: '', outcomes: [], logged: [], notes: [`your reply was not understood (${parsed.error}); answer with the JSON object`] });
        continue;
      }
      unparsable = 0;
      const record: StepRecord = { step, thought: parsed.thought, outcomes: [], logged: [], notes: parsed.problems };
      history.push(record);
      // The model call took seconds: the display may have gone meanwhile.
      if (parsed.actions.length) await driver.check();
      const px = pixelMap(screen);
      for (const action of parsed.actions) {
        if (signal.aborted) return stopped();
        // Typed text may be personal: only the model's own history keeps it.
        const text = describeAction(action, px);
        const told = describeAction(action, px, true);
        onProgress({ stage: 'action', message: text });
        this.logger.log(`step ${step}: ${text}`);
        const outcome = (end: string) => {
          record.outcomes.push(`${told} → ${end}`);
          record.logged.push(`${text} → ${end}`);
        };
        try {
          await performAction(driver, action, px, signal);
          outcome('ok');
        } catch (err) {
          if (signal.aborted) return stopped();
          if (err instanceof DisplayLostError) throw err;
          outcome(`failed: ${errorText(err)}`);
        }
      }
      if (parsed.done) {
        const result = parsed.done.result || (parsed.done.success ? 'done' : 'could not complete the task');
        if (parsed.done.success) return { success: true, summary: boundText(result, RESULT_LIMITS.summary), detail: boundText(result, RESULT_LIMITS.detail) };
        return failure(result, log(history));
      }
      // An abort ends the wait; the loop's next check reports it.
      if (parsed.actions.length) await sleep(this.options.settleMs, signal).catch(() => undefined);
    }
    return failure('step limit reached', log(history));
  }

  /** The injected driver, or robotjs (one load at a time; a failed load is retried after 30 s: X may start later). */
  private driver(): Promise<DriverLoad> {
    if (this.options.driver) return Promise.resolve({ driver: this.options.driver });
    if (!this.load || (this.load.failed && Date.now() - this.load.at > DRIVER_RETRY_MS)) {
      const result = loadRobotDriver().catch((err: unknown): DriverLoad => ({ reason: CHANNEL_REASON.desktopNotAvailable, message: errorText(err) }));
      const load: NonNullable<ComputerUseAdapter['load']> = { at: Date.now(), result };
      void result.then((l) => (load.failed = !l.driver));
      this.load = load;
    }
    return this.load.result;
  }

  private async displayAnswers(driver: DesktopDriver): Promise<boolean> {
    try {
      await driver.check();
      return true;
    } catch (err) {
      if (err instanceof DisplayLostError) this.forget(err);
      return false;
    }
  }

  /** Loads again on the next use (which reports the lost display for good if it was final). */
  private forget(err: DisplayLostError): void {
    this.logger.warn(`desktop lost: ${err.message}${err.final ? ' (restart the agent server to drive a new X server)' : ''}`);
    if (!this.options.driver) this.load = undefined;
  }
}

function failure(error: string, detail = ''): ChannelResult {
  return { success: false, summary: boundText(error, RESULT_LIMITS.summary), detail: boundText(detail, RESULT_LIMITS.detail), error: boundText(error, RESULT_LIMITS.error) };
}

/** What was done, for the failure detail: the last steps' thoughts and actions. */
function log(history: readonly StepRecord[]): string {
  const lines = history.slice(-5).map((r) => `step ${r.step}: ${[r.thought, ...r.logged].filter(Boolean).join('; ')}`);
  return history.length ? `${history.length} steps. ${lines.join(' | ')}` : '';
}

function errorText(err: unknown): string {
  return boundText(err instanceof Error ? err.message : String(err), 300);
}
