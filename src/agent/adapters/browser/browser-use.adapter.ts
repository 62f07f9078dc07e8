import type { OnModuleDestroy } from '@nestjs/common';
import type { BrowserContext } from 'puppeteer-core';
import type { AgentLlmPort } from '../../llm/agent-llm.port';
import { AgentReason } from '../../tasks/agent-status.snapshot';
import {
  CHANNEL_REASON,
  type AgentChannelAdapter,
  type ChannelDescription,
  type ChannelExecuteOptions,
  type ChannelReadiness,
  type ChannelRequest,
  type ChannelResult,
} from '../agent-channel.port';
import { BrowserSession } from './browser.session';
import { BrowserTask } from './browser-task.runner';
import { progressReporter } from '../channel-progress.util';
import { Aborted, cancelled, clampMs, failure, type RunState } from './browser-task.util';
import { HostPolicy, NEKO_PORTS } from './browser-url.policy';
import { CHROMIUM_HINT, locateChromium } from './chromium.locator';

export interface BrowserUseOptions {
  /** Browser executable; when unset the locator searches (NEKO_CHROMIUM_PATH, PUPPETEER_EXECUTABLE_PATH, CHROME_PATH, PATH, install folders). */
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
  /** Local hosts the browser may open without the user naming them: `host` or `host:port`. */
  allowedPrivateHosts: readonly string[];
  /** Tasks browsing at once (one browser context each); the others wait. */
  maxConcurrentTasks: number;
  /** Loopback ports never opened, even when the user names them: N.E.K.O.'s own servers (from the runtime env). */
  protectedPorts: readonly number[];
}

export const BROWSER_USE_DEFAULTS: BrowserUseOptions = {
  headless: true,
  maxSteps: 20,
  stepTimeoutMs: 60_000,
  taskTimeoutMs: 5 * 60_000,
  idleCloseMs: 5 * 60_000,
  navigationTimeoutMs: 30_000,
  allowFileUrls: false,
  allowedPrivateHosts: [],
  maxConcurrentTasks: 2,
  protectedPorts: NEKO_PORTS,
};

/**
 * Browser-use channel: a model drives a headless Chromium (see browser-task.runner.ts) until it
 * answers `done` or `fail`, the step limit or the deadline is reached, or the task is cancelled.
 */
export class BrowserUseAdapter implements AgentChannelAdapter, OnModuleDestroy {
  readonly channel = 'browser_use' as const;
  private readonly options: BrowserUseOptions;
  private readonly session: BrowserSession;

  constructor(
    private readonly llm: AgentLlmPort,
    options: Partial<BrowserUseOptions> = {},
  ) {
    const o = { ...BROWSER_USE_DEFAULTS, ...options };
    const d = BROWSER_USE_DEFAULTS;
    this.options = {
      ...o,
      maxSteps: Math.max(1, Math.min(100, Math.floor(Number(o.maxSteps)) || d.maxSteps)),
      stepTimeoutMs: clampMs(o.stepTimeoutMs, d.stepTimeoutMs),
      taskTimeoutMs: clampMs(o.taskTimeoutMs, d.taskTimeoutMs),
      idleCloseMs: clampMs(o.idleCloseMs, d.idleCloseMs),
      navigationTimeoutMs: clampMs(o.navigationTimeoutMs, d.navigationTimeoutMs),
      maxConcurrentTasks: Math.max(1, Math.min(16, Math.floor(Number(o.maxConcurrentTasks)) || d.maxConcurrentTasks)),
    };
    this.session = new BrowserSession({
      executablePath: () => this.locate(),
      headless: this.options.headless,
      idleCloseMs: this.options.idleCloseMs,
      launchTimeoutMs: 30_000,
      protocolTimeoutMs: Math.max(30_000, this.options.stepTimeoutMs),
      maxContexts: this.options.maxConcurrentTasks,
    });
  }

  async readiness(): Promise<ChannelReadiness> {
    if (!this.locate()) return { ready: false, reason: CHANNEL_REASON.browserUseNotInstalled };
    try {
      const llm = await this.llm.readiness('agent');
      return { ready: llm.ready, reason: llm.ready ? '' : llm.reason };
    } catch {
      return { ready: false, reason: AgentReason.LlmUnreachable };
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
    const timeoutMs = clampMs(request.timeoutMs, this.options.taskTimeoutMs);
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
      context = await this.session.openContext(run.signal);
      if (run.signal.aborted) throw new Aborted();
      // Local hosts are opened only when the user's own words name them, never a model-written step.
      const policy = new HostPolicy({
        instruction: request.userRequest ?? instruction,
        allowedPrivateHosts: this.options.allowedPrivateHosts,
        allowFileUrls: this.options.allowFileUrls,
        protectedPorts: this.options.protectedPorts,
      });
      const task = new BrowserTask(this.llm, context, { ...this.options, policy }, run.signal, state, progressReporter(options.onProgress));
      return await task.run(instruction);
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
}
