import { Logger } from '@nestjs/common';
import { AgentLlmError, type AgentLlmPort } from '../../llm/agent-llm.port';
import {
  boundText,
  RESULT_LIMITS,
  type AgentChannelAdapter,
  type ChannelDescription,
  type ChannelExecuteOptions,
  type ChannelReadiness,
  type ChannelRequest,
  type ChannelResult,
} from '../agent-channel.port';
import { COMPUTER_LIMITS, parseComputerStep, toPixel, type ComputerAction } from './computer-action.parser';
import { computerUseMessages, describeAction, type StepRecord } from './computer-use.prompts';
import { loadRobotDriver, type DesktopDriver, type DriverLoad } from './desktop.driver';
import { encodeScreenshot, SCREENSHOT_DEFAULTS } from './screenshot.encoder';

export interface ComputerUseOptions {
  /** Steps per task (default 30, at most 50). */
  maxSteps: number;
  /** One model call (default 90 s). */
  stepTimeoutMs: number;
  /** The whole task unless the request sets `timeoutMs` (default 5 min). */
  taskTimeoutMs: number;
  /** Pause after a step's actions so the screen can update (default 500 ms). */
  settleMs: number;
  jpegBudgetBytes: number;
  /** Longest side of the sent screenshot (default 1280). */
  maxImageSide: number;
  /** Steps whose notes the model sees (default 3; only the latest screenshot is sent). */
  historySteps: number;
  /** Injected desktop (tests); default: @jitsi/robotjs, loaded on first use. */
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
const MAX_INSTRUCTION = 2000;
const DRIVER_RETRY_MS = 30_000;

/** Why the loop stopped early; thrown inside run() only. */
class Stop extends Error {}

/**
 * Computer-use channel (spec §8.7): screenshot → one agent-tier vision call → up to 5 actions on the
 * real desktop → settle, until the model says done, the step limit, the deadline or a cancel.
 */
export class ComputerUseAdapter implements AgentChannelAdapter {
  readonly channel = 'computer_use' as const;
  private readonly options: ComputerUseOptions;
  private loaded?: DriverLoad;
  private loadedAt = 0;
  private busy = false;
  private readonly logger = new Logger('ComputerUse');

  constructor(
    private readonly llm: AgentLlmPort,
    options: Partial<ComputerUseOptions> = {},
  ) {
    this.options = { ...COMPUTER_USE_DEFAULTS, ...options };
    this.options.maxSteps = Math.min(MAX_STEPS, Math.max(1, Math.floor(this.options.maxSteps)));
  }

  async readiness(): Promise<ChannelReadiness> {
    const load = this.driver();
    if (!load.driver) return { ready: false, reason: load.reason ?? 'AGENT_PYAUTOGUI_NOT_INSTALLED' };
    const llm = await this.llm.readiness('agent');
    return { ready: llm.ready, reason: llm.reason };
  }

  describe(): Promise<ChannelDescription> {
    const load = this.driver();
    return Promise.resolve({
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
    });
  }

  async execute(request: ChannelRequest, options: ChannelExecuteOptions = {}): Promise<ChannelResult> {
    const instruction = (request.instruction ?? '').trim().slice(0, MAX_INSTRUCTION);
    if (!instruction) return failure('no instruction given');
    // The desktop has one mouse: a second task would fight over it.
    if (this.busy) return failure('computer use is busy with another task');
    const load = this.driver();
    if (!load.driver) return failure(`computer use unavailable: ${load.message ?? load.reason}`);
    this.busy = true;
    const timeoutMs = Math.max(1, request.timeoutMs ?? this.options.taskTimeoutMs);
    const abort = new AbortController();
    const onCancel = () => abort.abort('cancelled');
    if (options.signal?.aborted) onCancel();
    options.signal?.addEventListener('abort', onCancel, { once: true });
    const timer = setTimeout(() => abort.abort(`timed out after ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    try {
      return await this.run(instruction, load.driver, abort.signal, options.onProgress ?? (() => undefined));
    } catch (err) {
      return failure(`computer use failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCancel);
      this.busy = false;
    }
  }

  private async run(instruction: string, driver: DesktopDriver, signal: AbortSignal, onProgress: NonNullable<ChannelExecuteOptions['onProgress']>): Promise<ChannelResult> {
    const { maxSteps } = this.options;
    const history: StepRecord[] = [];
    let unparsable = 0;
    const stopped = () => failure(String(signal.reason ?? 'cancelled'), log(history));
    for (let step = 1; step <= maxSteps; step++) {
      if (signal.aborted) return stopped();
      onProgress({ stage: 'step', message: `step ${step}/${maxSteps}`, progress: (step - 1) / maxSteps });
      if (signal.aborted) return stopped();
      const screen = driver.screenSize();
      const shot = encodeScreenshot(driver.capture(), { budgetBytes: this.options.jpegBudgetBytes, maxSide: this.options.maxImageSide });
      const recent = history.slice(-this.options.historySteps);
      const messages = computerUseMessages({ instruction, step, maxSteps, history: recent, earlierSteps: history.length - recent.length, ...shot });
      let reply: unknown;
      try {
        reply = await abortable(this.llm.completeJson('agent', messages, { signal, timeoutMs: this.options.stepTimeoutMs, temperature: 0, maxTokens: 1024 }), signal);
      } catch (err) {
        if (signal.aborted) return stopped();
        if (!(err instanceof AgentLlmError && err.kind === 'parse')) return failure(`model call failed: ${errorText(err)}`, log(history));
        reply = undefined;
      }
      if (signal.aborted) return stopped();
      const parsed = parseComputerStep(reply);
      if ('error' in parsed) {
        unparsable++;
        if (unparsable >= 2) return failure("the model's replies could not be understood", log(history));
        history.push({ step, thought: '', outcomes: [], notes: [`your reply was not understood (${parsed.error}); answer with the JSON object`] });
        continue;
      }
      unparsable = 0;
      const record: StepRecord = { step, thought: parsed.thought, outcomes: [], notes: parsed.problems };
      history.push(record);
      const px = (x: number, y: number): [number, number] => [toPixel(x, screen.width), toPixel(y, screen.height)];
      try {
        for (const action of parsed.actions) {
          if (signal.aborted) throw new Stop();
          const text = describeAction(action, px);
          onProgress({ stage: 'action', message: boundText(text, 200) });
          this.logger.log(`step ${step}: ${text}`);
          try {
            await this.perform(driver, action, px, signal);
            record.outcomes.push(`${text} → ok`);
          } catch (err) {
            if (err instanceof Stop) throw err;
            record.outcomes.push(`${text} → failed: ${errorText(err)}`);
          }
        }
      } catch (err) {
        if (err instanceof Stop) return stopped();
        throw err;
      }
      if (parsed.done) {
        const result = parsed.done.result || (parsed.done.success ? 'done' : 'could not complete the task');
        if (parsed.done.success) return { success: true, summary: boundText(result, RESULT_LIMITS.summary), detail: boundText(result, RESULT_LIMITS.detail) };
        return failure(result, log(history));
      }
      if (parsed.actions.length) await sleep(this.options.settleMs, signal).catch(() => undefined);
    }
    return failure('step limit reached', log(history));
  }

  private async perform(driver: DesktopDriver, action: ComputerAction, px: (x: number, y: number) => [number, number], signal: AbortSignal): Promise<void> {
    switch (action.type) {
      case 'click':
        driver.moveMouse(...px(action.x, action.y));
        driver.click(action.button, action.double);
        return;
      case 'move':
        driver.moveMouse(...px(action.x, action.y));
        return;
      case 'drag':
        driver.drag(...px(action.x1, action.y1), ...px(action.x2, action.y2));
        return;
      case 'type':
        driver.typeText(action.text);
        return;
      case 'key':
        driver.keyTap(action.key, action.modifiers);
        return;
      case 'scroll': {
        if (action.x !== undefined && action.y !== undefined) driver.moveMouse(...px(action.x, action.y));
        const n = action.amount;
        const [dx, dy] = action.direction === 'up' ? [0, -n] : action.direction === 'down' ? [0, n] : action.direction === 'left' ? [-n, 0] : [n, 0];
        driver.scroll(dx, dy);
        return;
      }
      case 'wait':
        await sleep(Math.min(action.seconds, COMPUTER_LIMITS.maxWaitSeconds) * 1000, signal).catch(() => {
          throw new Stop();
        });
        return;
    }
  }

  /** The injected driver, or robotjs (a failed load is retried after 30 s: X may start later). */
  private driver(): DriverLoad {
    if (this.options.driver) return { driver: this.options.driver };
    if (!this.loaded || (!this.loaded.driver && Date.now() - this.loadedAt > DRIVER_RETRY_MS)) {
      this.loaded = loadRobotDriver();
      this.loadedAt = Date.now();
    }
    return this.loaded;
  }
}

function failure(error: string, detail = ''): ChannelResult {
  const text = boundText(error, RESULT_LIMITS.error);
  return { success: false, summary: boundText(error, RESULT_LIMITS.summary), detail: boundText(detail, RESULT_LIMITS.detail), error: text };
}

/** What was done, for the failure detail: the last steps' thoughts and actions. */
function log(history: readonly StepRecord[]): string {
  const lines = history.slice(-5).map((r) => `step ${r.step}: ${[r.thought, ...r.outcomes].filter(Boolean).join('; ')}`);
  return history.length ? `${history.length} steps. ${lines.join(' | ')}` : '';
}

function errorText(err: unknown): string {
  return boundText(err instanceof Error ? err.message : String(err), 300);
}

/** Rejects as soon as `signal` aborts, whether or not the promise honours it. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
