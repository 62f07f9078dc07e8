/**
 * The agent's tasks (#agent-tasks), polled every 2 s while the page is visible: what each is,
 * its channel, status and progress, and a cancel button while it is queued or running.
 */
import { ApiError } from '../../core/api';
import { el } from '../../core/dom';
import { currentLanguage, hasMessage, t } from '../../core/i18n';
import { guarded, showLoadError, toast } from '../../core/toast';
import { cancelTask, readTasks, type AgentTask } from './agent.api';

const POLL_MS = 2000;
/** While the agent is down the banner above says so; asking every 2 s would only fill the console. */
const DOWN_POLL_MS = 10_000;
const SHOWN = 20;
const ACTIVE = new Set(['queued', 'running']);

function describe(task: AgentTask): string {
  const p = task.params ?? {};
  for (const key of ['instruction', 'description', 'query', 'tool_name', 'tool']) {
    const v = p[key];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return t('agent.tasks.untitled');
}

function channelName(type: string | undefined): string {
  const key = `agent.channel.${type ?? ''}`;
  return hasMessage(key) ? t(key) : (type ?? '');
}

function statusName(status: string | undefined): string {
  const key = `agent.tasks.status.${status ?? ''}`;
  return hasMessage(key) ? t(key) : (status ?? '');
}

export class AgentTasks {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private tasks: AgentTask[] | undefined;
  private controller: AbortController | undefined;

  constructor(private readonly root: HTMLElement) {
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) this.stop();
      else void this.poll();
    });
  }

  /** Polls now and every 2 s until the page is hidden. */
  async poll(): Promise<void> {
    this.stop();
    const controller = new AbortController();
    this.controller = controller;
    let wait = POLL_MS;
    try {
      this.tasks = (await readTasks(controller.signal)).slice(0, SHOWN);
      this.render();
    } catch (err) {
      if (controller.signal.aborted) return;
      this.tasks = undefined;
      const down = err instanceof ApiError && (err.status === 0 || err.status === 502 || err.status === 503);
      if (down) {
        wait = DOWN_POLL_MS;
        this.root.replaceChildren(el('p', { class: 'empty', text: t('agent.tasks.down') }));
      } else {
        showLoadError(this.root, t('agent.tasks.loadFailed'), err);
      }
    }
    if (!document.hidden && this.controller === controller) this.timer = setTimeout(() => void this.poll(), wait);
  }

  render(): void {
    if (!this.tasks) return;
    if (this.tasks.length === 0) {
      this.root.replaceChildren(el('p', { class: 'empty', text: t('agent.tasks.empty') }));
      return;
    }
    this.root.replaceChildren(el('ul', { class: 'task-list' }, this.tasks.map((task) => this.row(task))));
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.controller?.abort();
    this.controller = undefined;
  }

  private row(task: AgentTask): HTMLElement {
    const status = task.status ?? 'unknown';
    const started = task.start_time ? new Date(task.start_time) : undefined;
    const when = started && !Number.isNaN(started.getTime()) ? started.toLocaleString(currentLanguage(), { dateStyle: 'short', timeStyle: 'short' }) : '';
    const progress = typeof task.progress === 'number' ? Math.max(0, Math.min(1, task.progress > 1 ? task.progress / 100 : task.progress)) : undefined;
    const detail = task.error || task.message || task.stage || '';
    const cancel = ACTIVE.has(status)
      ? el('button', { type: 'button', class: 'danger small', 'data-action': 'cancel-task', text: t('agent.tasks.cancel'), onclick: (ev: Event) => void this.cancel(task, ev.currentTarget as HTMLButtonElement) })
      : null;
    return el(
      'li',
      { class: `task-row status-${status}`, 'data-task-id': task.id, 'data-status': status },
      el(
        'div',
        { class: 'task-main' },
        el('div', { class: 'task-title', text: describe(task) }),
        el(
          'div',
          { class: 'task-meta' },
          el('span', { class: `badge task-status status-${status}`, text: statusName(status) }),
          el('span', { text: channelName(task.type) }),
          when ? el('span', { text: t('agent.tasks.started', { time: when }) }) : null,
          task.step !== undefined && task.step_total ? el('span', { text: `${task.step}/${task.step_total}` }) : null,
        ),
        progress !== undefined && ACTIVE.has(status) ? el('progress', { class: 'task-progress', max: 1, value: progress }) : null,
        detail ? el('p', { class: `task-detail${task.error ? ' is-error' : ''}`, text: detail }) : null,
      ),
      cancel,
    );
  }

  private async cancel(task: AgentTask, button: HTMLButtonElement): Promise<void> {
    await guarded(
      t('agent.tasks.cancelFailed'),
      async () => {
        await cancelTask(task.id);
        toast(t('agent.tasks.cancelled'), 'ok');
        await this.poll();
      },
      button,
    );
  }
}
