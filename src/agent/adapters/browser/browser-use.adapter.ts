import type { OnModuleDestroy } from '@nestjs/common';
import type { BrowserContext, Page } from 'puppeteer-core';
import { AgentLlmError, type AgentLlmPort } from '../../llm/agent-llm.port';
import {
  boundText,
  CHANNEL_REASON,
  RESULT_LIMITS,
  type AgentChannelAdapter,
  type ChannelDescription,
  type ChannelExecuteOptions,
  type ChannelProgress,
  type ChannelReadiness,
  type ChannelRequest,
  type ChannelResult,
} from '../agent-channel.port';
import { runAction, describeAction } from './browser-action.executor';
import { parseActionReply, type BrowserAction } from './browser-action.parser';
import { BrowserSession } from './browser.session';
import { buildStepMessages, type StepRecord } from './browser-use.prompts';
import { CHROMIUM_HINT, locateChromium } from './chromium.locator';
import { renderSnapshot, takeSnapshot } from './page.snapshot';

export interface BrowserUseOptions {
  /** Browser executable; when unset: NEKO_CHROMIUM_PATH, PUPPETEER_EXECUTABLE_PATH, CHROME_PATH, PATH, install folders. */
  executablePath?: string;
  headless: boolean;
  /** Model turns per task (one snapshot and one agent-tier call each). */
  maxSteps: number;
  /** Upper bound of one model call and of one browser action. */
  stepTimeoutMs: number;
  /** Whole task, unless the request carries its own timeoutMs. */
  taskTimeoutMs: number;
  /** Chromium is closed after this long without a task. */
  idleCloseMs: number;
  navigationTimeoutMs: number;
  allowFileUrls: boolean;
}

export const BROWSER_USE_DEFAULTS: BrowserUseOptions = {
  headless: true,
  maxSteps: 20,
  stepTimeoutMs: 60_000,
  taskTimeoutMs: 5 * 60_000,
  idleCloseMs: 5 * 60_000,
  navigationTimeoutMs: 30_000,
  allowFileUrls: false,
};

const GATHERED_LIMITS = { entry: 1500, total: 4000 } as const;

class Aborted extends Error {}

interface RunState {
  readonly history: StepRecord[];
  readonly gathered: string[];
  lastPage: string;
}

/**
 * Browser-use channel: a model drives a headless Chromium through a loop of page snapshot → one
 * agent-tier JSON decision → puppeteer actions, until it answers `done` or `fail`, the step limit or
 * the deadline is reached, or the task is cancelled. Every action is reported as progress.
 */
export class BrowserUseAdapter implements AgentChannelAdapter, OnModuleDestroy {
  readonly channel = 'browser_use' as const;
  private readonly options: BrowserUseOptions;
  private readonly session: BrowserSession;

  constructor(
    private readonly llm: AgentLlmPort,
    options: Partial<BrowserUseOptions> = {},
  ) {
    this.options = { ...BROWSER_USE_DEFAULTS, ...options };
    this.session = new BrowserSession({
      executablePath: () => this.locate(),
      headless: this.options.headless,
      idleCloseMs: this.options.idleCloseMs,
      launchTimeoutMs: 30_000,
      protocolTimeoutMs: Math.max(30_000, this.options.stepTimeoutMs),
    });
  }

  async readiness(): Promise<ChannelReadiness> {
    if (!this.locate()) return { ready: false, reason: CHANNEL_REASON.browserUseNotInstalled };
    try {
      const llm = await this.llm.readiness('agent');
      return { ready: llm.ready, reason: llm.ready ? '' : llm.reason };
    } catch {
      return { ready: false, reason: 'AGENT_LLM_UNREACHABLE' };
    }
  }

  describe(): Promise<ChannelDescription> {
    return Promise.resolve({
      channel: this.channel,
      actions: [
        {
          name: 'browse',
          description:
            'Operate a headless web browser: open web pages, read them, follow links, fill in and submit forms, and report what the pages showed.',
          inputSchema: {
            type: 'object',
            properties: {
              instruction: { type: 'string', description: 'What to do on the web, in plain words, with any URL, search terms or form values.' },
            },
            required: ['instruction'],
            additionalProperties: false,
          },
        },
      ],
      problems: this.locate() ? [] : [{ source: 'chromium', error: CHROMIUM_HINT }],
    });
  }

  async execute(request: ChannelRequest, options: ChannelExecuteOptions = {}): Promise<ChannelResult> {
    const fromArgs = request.args?.instruction;
    const instruction = (request.instruction ?? (typeof fromArgs === 'string' ? fromArgs : '')).trim();
    const state: RunState = { history: [], gathered: [], lastPage: '' };
    if (!instruction) return failure('an instruction is required', 'an instruction is required', state);
    if (options.signal?.aborted) return cancelled(state);
    if (!this.locate()) return failure('Browser use is unavailable: no Chromium found', CHROMIUM_HINT, state);

    const run = new AbortController();
    const timeoutMs = Math.max(1, request.timeoutMs ?? this.options.taskTimeoutMs);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      run.abort();
    }, timeoutMs);
    const onAbort = () => run.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let context: BrowserContext | undefined;
    // Closing the context at once makes every pending puppeteer call fail fast.
    run.signal.addEventListener('abort', () => void this.session.release(context), { once: true });
    try {
      context = await this.session.openContext();
      if (run.signal.aborted) throw new Aborted();
      const page = await context.newPage();
      page.setDefaultTimeout(this.options.stepTimeoutMs);
      page.setDefaultNavigationTimeout(this.options.navigationTimeoutMs);
      page.on('dialog', (dialog) => {
        state.history.push({ step: 0, action: 'page dialog', outcome: `accepted ${JSON.stringify(boundText(dialog.message(), 200))}` });
        void dialog.accept().catch(() => undefined);
      });
      return await this.loop(instruction, page, run.signal, state, progressReporter(options.onProgress));
    } catch (err) {
      if (run.signal.aborted) return timedOut ? failure('Browser task timed out', `timed out after ${timeoutMs} ms`, state) : cancelled(state);
      const message = err instanceof Error ? err.message : String(err);
      return failure(`Browser task failed: ${message}`, message, state);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      await this.session.release(context);
    }
  }

  /** Pid of the Chromium process while it runs (for the memory benchmark). */
  browserPid(): number | undefined {
    return this.session.browserPid();
  }

  /** Browser contexts of tasks still running. */
  get openContexts(): number {
    return this.session.openContexts;
  }

  async onModuleDestroy(): Promise<void> {
    await this.session.close();
  }

  private locate(): string | undefined {
    return locateChromium({ executablePath: this.options.executablePath });
  }

  private async loop(instruction: string, page: Page, signal: AbortSignal, state: RunState, report: (p: ChannelProgress) => void): Promise<ChannelResult> {
    const { maxSteps, stepTimeoutMs } = this.options;
    for (let step = 1; step <= maxSteps; step++) {
      if (signal.aborted) throw new Aborted();
      report({ stage: 'step', progress: step / maxSteps, message: `step ${step}/${maxSteps}` });
      const snapshot = await abortable(takeSnapshot(page), signal);
      state.lastPage = `${snapshot.title} (${snapshot.url})`;
      const messages = buildStepMessages({ instruction, step, maxSteps, history: state.history, gathered: state.gathered, snapshot: renderSnapshot(snapshot) });
      let reply: unknown;
      try {
        reply = await abortable(this.llm.completeJson('agent', messages, { temperature: 0, maxTokens: 1024, timeoutMs: stepTimeoutMs, signal }), signal);
      } catch (err) {
        if (!(err instanceof AgentLlmError && err.kind === 'parse')) throw err;
        reply = undefined;
      }
      const parsed = parseActionReply(reply);
      if (!parsed.ok) {
        state.history.push({ step, action: '(invalid reply)', outcome: `error: ${reply === undefined ? 'the reply was not JSON' : parsed.error}` });
        continue;
      }
      for (const [i, action] of parsed.actions.entries()) {
        report({ stage: 'action', message: describeAction(action, snapshot) });
        if (action.action === 'done' || action.action === 'fail') return finish(action, state);
        const env = { page, snapshot, navigationTimeoutMs: this.options.navigationTimeoutMs, allowFileUrls: this.options.allowFileUrls, extractChars: GATHERED_LIMITS.entry };
        const outcome = await abortable(withTimeout(runAction(action, env), stepTimeoutMs), signal);
        state.history.push({ step, action: describeAction(action, snapshot), outcome: outcome.outcome });
        if (outcome.gathered) addGathered(state, outcome.gathered);
        if (outcome.navigated && i < parsed.actions.length - 1) {
          state.history.push({ step, action: `(${parsed.actions.length - i - 1} more actions)`, outcome: 'skipped: the page changed' });
          break;
        }
      }
      if (parsed.note) state.history.push({ step, action: '(extra actions)', outcome: parsed.note });
    }
    return failure(`Browser task stopped after ${maxSteps} steps without finishing`, 'step limit reached', state);
  }
}

function finish(action: Extract<BrowserAction, { action: 'done' } | { action: 'fail' }>, state: RunState): ChannelResult {
  if (action.action === 'fail') return failure(`Browser task failed: ${action.reason}`, action.reason, state);
  const result = action.result || 'The browser task is finished.';
  const detail = boundText([action.result, ...state.gathered].filter(Boolean).join('\n\n'), RESULT_LIMITS.detail);
  if (!action.success) return { ...failure(result, result, state), detail };
  return { success: true, summary: boundText(result, RESULT_LIMITS.summary), detail };
}

function failure(summary: string, error: string, state: RunState): ChannelResult {
  const gathered = state.gathered.join('\n\n') || (state.lastPage ? `Last page: ${state.lastPage}` : '');
  return {
    success: false,
    summary: boundText(summary, RESULT_LIMITS.summary),
    detail: boundText(gathered, RESULT_LIMITS.detail),
    error: boundText(error, RESULT_LIMITS.error),
  };
}

function cancelled(state: RunState): ChannelResult {
  return failure('Browser task cancelled', 'cancelled', state);
}

function addGathered(state: RunState, text: string): void {
  state.gathered.push(boundText(text, GATHERED_LIMITS.entry));
  // Keep the newest information when the total grows too large.
  while (state.gathered.length > 1 && state.gathered.reduce((n, g) => n + g.length, 0) > GATHERED_LIMITS.total) state.gathered.shift();
}

/** A listener that throws must not end the task. */
function progressReporter(onProgress: ChannelExecuteOptions['onProgress']): (p: ChannelProgress) => void {
  return (p) => {
    try {
      onProgress?.({ ...p, ...(p.message !== undefined ? { message: boundText(p.message, 200) } : {}) });
    } catch {
      // ignored on purpose
    }
  };
}

/** Rejects with Aborted as soon as `signal` fires; the inner promise's later failure is swallowed. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Aborted());
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** An action that hangs past the step timeout is reported as an error outcome. */
function withTimeout(promise: ReturnType<typeof runAction>, ms: number): ReturnType<typeof runAction> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Awaited<typeof promise>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, outcome: `error: the action took longer than ${ms} ms`, navigated: false }), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
