/**
 * The agent's task HUD (`#agent-hud`): one `.agent-task` per task the agent works on for this
 * character, from `agent_task_update` messages — what it does, how far it is, a cancel button.
 * Finished tasks fade out after a while; failed ones stay a little longer to be read.
 */
import { api, ApiError } from '../core/api';
import { el, enc } from '../core/dom';
import { t, type MessageKey } from '../core/i18n';
import { showError } from '../core/toast';

export type TaskStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface AgentTask {
  readonly id: string;
  readonly status: TaskStatus;
  readonly type?: string;
  readonly params?: Record<string, unknown>;
  readonly progress?: number;
  readonly message?: string;
  readonly stage?: string;
  readonly error?: string | null;
}

const STATUSES: readonly TaskStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
const FADE_MS: Partial<Record<TaskStatus, number>> = { completed: 12_000, cancelled: 6000, failed: 20_000 };
const STATUS_KEY: Record<TaskStatus, MessageKey> = {
  queued: 'companion.agent.task.queued',
  running: 'companion.agent.task.running',
  completed: 'companion.agent.task.completed',
  failed: 'companion.agent.task.failed',
  cancelled: 'companion.agent.task.cancelled',
};

/** A task from the wire, or undefined when it lacks an id or a known status. */
export function parseTask(value: unknown): AgentTask | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const task = value as Record<string, unknown>;
  if (typeof task.id !== 'string' || !STATUSES.includes(task.status as TaskStatus)) return undefined;
  return task as unknown as AgentTask;
}

function describe(task: AgentTask): string {
  const p = task.params ?? {};
  for (const key of ['instruction', 'query', 'description', 'task']) {
    const v = p[key];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return task.type === 'mcp' ? t('companion.agent.task.mcp') : t('companion.agent.task.generic');
}

export class AgentHud {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly tasks = new Map<string, AgentTask>();

  constructor(private readonly root: HTMLElement) {}

  update(task: AgentTask): void {
    this.tasks.set(task.id, task);
    this.render(task);
    this.root.querySelector(`.agent-task[data-task-id="${CSS.escape(task.id)}"]`)?.classList.remove('fading');
    clearTimeout(this.timers.get(task.id));
    const fade = FADE_MS[task.status];
    if (fade !== undefined) this.timers.set(task.id, setTimeout(() => this.fadeOut(task.id), fade));
    this.syncVisibility();
  }

  /** Re-renders the listed tasks after a language change. */
  retranslate(): void {
    for (const task of this.tasks.values()) this.render(task);
  }

  private render(task: AgentTask): void {
    let item = this.root.querySelector<HTMLElement>(`.agent-task[data-task-id="${CSS.escape(task.id)}"]`);
    if (!item) {
      item = el('li', { class: 'agent-task', 'data-task-id': task.id });
      this.root.querySelector('.agent-tasks')?.append(item);
    }
    item.dataset.status = task.status;
    const active = task.status === 'queued' || task.status === 'running';
    const detail = task.status === 'failed' ? (task.error ?? task.message) : task.message;
    const progress = typeof task.progress === 'number' ? Math.round(Math.max(0, Math.min(1, task.progress)) * 100) : undefined;
    const cancel = active
      ? el('button', { type: 'button', class: 'ghost small', 'data-action': 'cancel', text: t('companion.agent.cancel'), onclick: (ev: Event) => void this.cancel(task.id, ev.currentTarget as HTMLButtonElement) })
      : '';
    item.replaceChildren(
      el('span', { class: 'agent-task-dot', 'aria-hidden': 'true' }),
      el(
        'div',
        { class: 'agent-task-body' },
        el('div', { class: 'agent-task-title', text: describe(task) }),
        el('div', { class: 'agent-task-meta', text: [t(STATUS_KEY[task.status]), detail].filter(Boolean).join(' · ') }),
        active ? el('div', { class: 'agent-task-bar', 'aria-hidden': 'true' }, el('i', { style: progress === undefined ? null : `width:${progress}%`, class: progress === undefined ? 'indeterminate' : null })) : null,
      ),
      cancel,
    );
  }

  /** Shows the running tasks the agent already had for `name` (or for everyone) when the page opened. */
  async seed(name: string): Promise<void> {
    const body = await api.get<{ tasks?: unknown[] }>('/api/agent/task_status', { timeoutMs: 4000 }).catch(() => undefined);
    for (const raw of body?.tasks ?? []) {
      const task = parseTask(raw);
      const owner = (raw as { lanlan_name?: unknown }).lanlan_name;
      if (task && (owner == null || owner === name) && (task.status === 'queued' || task.status === 'running')) this.update(task);
    }
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.tasks.clear();
    this.root.querySelector('.agent-tasks')?.replaceChildren();
    this.syncVisibility();
  }

  private async cancel(id: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      await api.post(`/api/agent/tasks/${enc(id)}/cancel`, {});
    } catch (err) {
      button.disabled = false;
      // Already finished: the task_update that says so is on its way.
      if (!(err instanceof ApiError && err.status === 404)) showError(t('companion.agent.cancelFailed'), err);
    }
  }

  private fadeOut(id: string): void {
    const item = this.root.querySelector<HTMLElement>(`.agent-task[data-task-id="${CSS.escape(id)}"]`);
    this.timers.delete(id);
    if (!item) return;
    item.classList.add('fading');
    setTimeout(() => {
      if (!item.classList.contains('fading')) return;
      item.remove();
      this.tasks.delete(id);
      this.syncVisibility();
    }, 600);
  }

  private syncVisibility(): void {
    this.root.hidden = this.root.querySelector('.agent-task') === null;
  }
}
