/**
 * One browser-use task inside its own browser context: a loop of page snapshot → one agent-tier
 * JSON decision → puppeteer actions, until the model answers `done` or `fail`, the step limit is
 * reached or the task's signal fires. Every action and page dialog is reported as progress.
 */
import type { BrowserContext, Dialog, Page, Target } from 'puppeteer-core';
import { AgentLlmError, type AgentLlmPort } from '../../llm/agent-llm.port';
import { boundText, type ChannelProgress, type ChannelResult } from '../agent-channel.port';
import { describeAction, runAction, type ActionOutcome } from './browser-action.executor';
import { parseActionReply, type BrowserAction } from './browser-action.parser';
import { NavigationGuard } from './browser-navigation.guard';
import { SAME_WINDOW_SCRIPT } from './browser-popup.guard';
import { addGathered, abortable, Aborted, failure, finish, GATHERED_LIMITS, type RunState } from './browser-task.util';
import type { HostPolicy } from './browser-url.policy';
import { buildStepMessages } from './browser-use.prompts';
import { newIndexAttribute, renderSnapshot, takeSnapshot, type PageSnapshot } from './page.snapshot';

export interface BrowserTaskSettings {
  readonly maxSteps: number;
  readonly stepTimeoutMs: number;
  readonly navigationTimeoutMs: number;
  readonly allowFileUrls: boolean;
  readonly policy: HostPolicy;
}

/** Page dialogs recorded per step; more are still answered, silently (a page may loop on alert()). */
const MAX_DIALOGS_PER_STEP = 5;
/** How long a timed-out action gets to wind down after window.stop() before its page is replaced. */
const STOP_GRACE_MS = 2000;

type ExecutableAction = Exclude<BrowserAction, { action: 'done' } | { action: 'fail' }>;

export class BrowserTask {
  private page: Page | undefined;
  private guard: NavigationGuard | undefined;
  /** Random per task: a page cannot pre-mark elements with it (see page.snapshot.ts). */
  private readonly indexAttribute = newIndexAttribute();
  private step = 0;
  private dialogsThisStep = 0;

  constructor(
    private readonly llm: AgentLlmPort,
    private readonly context: BrowserContext,
    private readonly settings: BrowserTaskSettings,
    private readonly signal: AbortSignal,
    private readonly state: RunState,
    private readonly report: (p: ChannelProgress) => void,
  ) {}

  async run(instruction: string): Promise<ChannelResult> {
    // Popups would load unseen by the agent and outside the page's guard: close them.
    const onTarget = (target: Target) => {
      if (String(target.type()) === 'page' && target.opener()) void target.page().then((p) => p?.close(), () => undefined).catch(() => undefined);
    };
    this.context.on('targetcreated', onTarget);
    try {
      await this.openPage();
      return await this.loop(instruction);
    } finally {
      this.context.off('targetcreated', onTarget);
    }
  }

  private async loop(instruction: string): Promise<ChannelResult> {
    const { maxSteps, stepTimeoutMs } = this.settings;
    const { state, signal } = this;
    for (let step = 1; step <= maxSteps; step++) {
      if (signal.aborted) throw new Aborted();
      this.step = step;
      this.dialogsThisStep = 0;
      this.report({ stage: 'step', progress: step / maxSteps, message: `step ${step}/${maxSteps}` });
      const guard = this.currentGuard();
      const snapshot = await abortable(takeSnapshot((e) => guard.evaluate(e), this.indexAttribute), signal);
      state.lastPage = `${boundText(snapshot.title, 100)} (${boundText(snapshot.url, 200)})`;
      const messages = buildStepMessages({ instruction, step, maxSteps, history: state.history, gathered: state.gathered, snapshot: renderSnapshot(snapshot) });
      let reply: unknown;
      try {
        // The model call honours the signal itself.
        reply = await this.llm.completeJson('agent', messages, { temperature: 0, maxTokens: 1024, timeoutMs: stepTimeoutMs, signal });
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
        const described = describeAction(action, snapshot);
        this.report({ stage: 'action', message: described });
        if (action.action === 'done' || action.action === 'fail') return finish(action, state);
        const outcome = await this.act(action, snapshot);
        state.history.push({ step, action: described, outcome: outcome.outcome });
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

  /** Runs one action within the step timeout; a late one is stopped so it cannot overlap the next. */
  private async act(action: ExecutableAction, snapshot: PageSnapshot): Promise<ActionOutcome> {
    const { stepTimeoutMs } = this.settings;
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    this.signal.addEventListener('abort', onAbort, { once: true });
    const running = runAction(action, {
      page: this.current(),
      snapshot,
      indexAttribute: this.indexAttribute,
      guard: this.currentGuard(),
      signal: stop.signal,
      navigationTimeoutMs: this.settings.navigationTimeoutMs,
      allowFileUrls: this.settings.allowFileUrls,
      extractChars: GATHERED_LIMITS.entry,
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), stepTimeoutMs)));
    try {
      const first = await abortable(Promise.race([running, late]), this.signal);
      if (first !== 'late') return first;
      stop.abort();
      const replaced = await this.stopPage(running);
      const note = replaced ? '; the page stopped responding, so it was closed and a blank page opened' : '';
      return { ok: false, outcome: `error: the action took longer than ${stepTimeoutMs} ms and was stopped${note}`, navigated: true };
    } finally {
      clearTimeout(timer);
      this.signal.removeEventListener('abort', onAbort);
    }
  }

  /** window.stop() and a short grace period; a page still busy is replaced. True when replaced. */
  private async stopPage(running: Promise<unknown>): Promise<boolean> {
    const page = this.current();
    const stopped = await settles(this.currentGuard().evaluate('window.stop()'), STOP_GRACE_MS);
    const ended = await settles(running, STOP_GRACE_MS);
    if (stopped && ended) return false;
    const guard = this.guard;
    await abortable(this.openPage(), this.signal);
    void page.close().catch(() => undefined);
    void guard?.detach();
    return true;
  }

  private async openPage(): Promise<void> {
    const page = await this.context.newPage();
    page.setDefaultTimeout(this.settings.stepTimeoutMs);
    page.setDefaultNavigationTimeout(this.settings.navigationTimeoutMs);
    page.on('dialog', (dialog) => this.onDialog(dialog));
    await page.evaluateOnNewDocument(SAME_WINDOW_SCRIPT);
    // Before the first navigation: every document request of this page goes through the policy.
    this.guard = await NavigationGuard.attach(page, this.settings.policy);
    this.page = page;
  }

  /** The model did not decide: alerts and beforeunload are accepted, confirm and prompt dismissed. */
  private onDialog(dialog: Dialog): void {
    const type = dialog.type();
    const accept = type === 'alert' || type === 'beforeunload';
    void (accept ? dialog.accept() : dialog.dismiss()).catch(() => undefined);
    if (this.dialogsThisStep >= MAX_DIALOGS_PER_STEP) return;
    this.dialogsThisStep++;
    const text = `${accept ? 'accepted' : 'dismissed'} ${type} dialog ${JSON.stringify(boundText(dialog.message(), 150))}`;
    this.state.history.push({ step: this.step, action: 'page dialog', outcome: text });
    this.report({ stage: 'action', message: text });
  }

  private current(): Page {
    if (!this.page) throw new Error('the task has no page');
    return this.page;
  }

  private currentGuard(): NavigationGuard {
    if (!this.guard) throw new Error('the task has no page');
    return this.guard;
  }
}

/** True when `promise` settles (either way) within `ms`. */
async function settles(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = promise.then(
    () => true,
    () => true,
  );
  return Promise.race([done, late]).finally(() => clearTimeout(timer));
}
