import { MAX_ACTIVE_TASKS, MAX_TERMINAL_TASKS, TaskRegistryService, TERMINAL_TTL_MS } from './task-registry.service';
import { TaskRegistryError, toTaskUpdateEvent, type TaskChange } from './task-registry.types';

function setup(startMs = Date.parse('2026-12-01T10:00:00.000Z')) {
  let now = startMs;
  const registry = new TaskRegistryService(() => new Date(now));
  const changes: TaskChange[] = [];
  registry.onChange((c) => changes.push(c));
  return { registry, changes, advance: (ms: number) => (now += ms) };
}

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return e instanceof TaskRegistryError ? e.code : `other:${String(e)}`;
  }
  return 'no error';
};

describe('TaskRegistryService', () => {
  it('runs the lifecycle queued → running → completed and emits every change with a new revision', () => {
    const { registry, changes, advance } = setup();
    const t = registry.create({ type: 'browser_use', params: { instruction: 'open the page' }, lanlan_name: '小天', session_id: 's1' });
    expect(t.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(t).toMatchObject({ status: 'queued', type: 'browser_use', start_time: '2026-12-01T10:00:00.000000Z', error: null, lanlan_name: '小天', session_id: 's1' });
    registry.start(t.id);
    registry.progress(t.id, { progress: 0.5, stage: 'typing', message: 'half way', step: 2, step_total: 4 });
    advance(1500);
    const done = registry.complete(t.id, 'done');
    expect(done).toMatchObject({ status: 'completed', end_time: '2026-12-01T10:00:01.500000Z', progress: 1, step: 2, step_total: 4, message: 'done' });
    expect(changes.map((c) => [c.revision, c.task.status])).toEqual([
      [1, 'queued'],
      [2, 'running'],
      [3, 'running'],
      [4, 'completed'],
    ]);
    expect(changes[2].task).toMatchObject({ progress: 0.5, stage: 'typing' });
    expect(registry.revision).toBe(4);
    expect(toTaskUpdateEvent(changes[3])).toEqual({
      event_type: 'task_update',
      lanlan_name: '小天',
      task: { id: t.id, status: 'completed', type: 'browser_use', start_time: '2026-12-01T10:00:00.000000Z', end_time: '2026-12-01T10:00:01.500000Z', params: { instruction: 'open the page' }, error: null, session_id: 's1', progress: 1, stage: 'typing', message: 'done', step: 2, step_total: 4 },
    });
  });

  it('keeps terminal states final and rejects illegal moves with a clear code', () => {
    const { registry } = setup();
    const t = registry.create({ type: 'mcp' });
    expect(code(() => registry.complete(t.id))).toBe('TASK_ILLEGAL_TRANSITION');
    registry.start(t.id);
    expect(code(() => registry.start(t.id))).toBe('TASK_ILLEGAL_TRANSITION');
    registry.fail(t.id, 'boom');
    for (const move of [() => registry.cancel(t.id), () => registry.complete(t.id), () => registry.start(t.id), () => registry.progress(t.id, { progress: 0.1 })]) {
      expect(code(move)).toBe('TASK_ILLEGAL_TRANSITION');
    }
    expect(registry.get(t.id)).toMatchObject({ status: 'failed', error: 'boom' });
    expect(code(() => registry.start('nope'))).toBe('TASK_NOT_FOUND');
  });

  it('cancels queued and running tasks', () => {
    const { registry } = setup();
    const a = registry.create({ type: 'computer_use' });
    const b = registry.create({ type: 'computer_use' });
    registry.start(b.id);
    expect(registry.cancel(a.id).status).toBe('cancelled');
    expect(registry.cancel(b.id, 'user asked')).toMatchObject({ status: 'cancelled', error: 'user asked' });
    expect(registry.get(b.id)?.end_time).toBeDefined();
  });

  it('rejects bad input without changing state', () => {
    const { registry, changes } = setup();
    const t = registry.create({ type: 'mcp' });
    expect(code(() => registry.progress(t.id, { progress: 2 }))).toBe('TASK_INVALID_INPUT');
    expect(code(() => registry.progress(t.id, { step: -1 }))).toBe('TASK_INVALID_INPUT');
    expect(code(() => registry.create({ type: '' as never }))).toBe('TASK_INVALID_INPUT');
    expect(code(() => registry.create({ type: 'mcp', params: [] as never }))).toBe('TASK_INVALID_INPUT');
    expect(changes).toHaveLength(1);
  });

  it('hands out copies, lists newest first with filters, and gives active tasks in snapshot shape', () => {
    const { registry, advance } = setup();
    const a = registry.create({ type: 'mcp', params: { query: 'a' }, lanlan_name: 'A' });
    advance(10);
    const b = registry.create({ type: 'browser_use', lanlan_name: 'B' });
    advance(10);
    const c = registry.create({ type: 'computer_use', lanlan_name: 'A' });
    registry.start(c.id);
    registry.complete(c.id);
    (registry.get(a.id)?.params as Record<string, unknown>).query = 'changed';
    expect(registry.get(a.id)?.params).toEqual({ query: 'a' });
    expect(registry.list().map((t) => t.id)).toEqual([c.id, b.id, a.id]);
    expect(registry.list({ lanlan_name: 'A' }).map((t) => t.id)).toEqual([c.id, a.id]);
    expect(registry.list({ status: 'queued', lanlan_name: 'A' }).map((t) => t.id)).toEqual([a.id]);
    expect(registry.list({ limit: 1 })).toHaveLength(1);
    expect(registry.activeTasks()).toEqual([
      { id: b.id, status: 'queued', type: 'browser_use', start_time: '2026-12-01T10:00:00.010000Z', params: {}, session_id: null, lanlan_name: 'B' },
      { id: a.id, status: 'queued', type: 'mcp', start_time: '2026-12-01T10:00:00.000000Z', params: { query: 'a' }, session_id: null, lanlan_name: 'A' },
    ]);
  });

  it('sweeps terminal tasks past the TTL or the cap, never active ones', () => {
    const { registry, advance } = setup();
    const active = registry.create({ type: 'mcp' });
    const old = registry.create({ type: 'mcp' });
    registry.cancel(old.id);
    // spec §8.6: a finished task stays 300 s after its end_time.
    expect(TERMINAL_TTL_MS).toBe(300_000);
    advance(TERMINAL_TTL_MS - 1);
    expect(registry.sweep()).toBe(0);
    advance(2);
    expect(registry.sweep()).toBe(1);
    expect(registry.get(old.id)).toBeUndefined();
    expect(registry.get(active.id)?.status).toBe('queued');
    const ids: string[] = [];
    for (let i = 0; i < MAX_TERMINAL_TASKS + 5; i += 1) {
      const t = registry.create({ type: 'mcp' });
      registry.cancel(t.id);
      ids.push(t.id);
    }
    registry.sweep();
    expect(registry.size).toBe(MAX_TERMINAL_TASKS + 1);
    expect(registry.get(ids[4])).toBeUndefined();
    expect(registry.get(ids[5])).toBeDefined();
    expect(registry.get(active.id)).toBeDefined();
  });

  it('caps active tasks and survives a throwing listener', () => {
    const { registry, changes } = setup();
    registry.onChange(() => {
      throw new Error('listener bug');
    });
    for (let i = 0; i < MAX_ACTIVE_TASKS; i += 1) registry.create({ type: 'mcp' });
    expect(code(() => registry.create({ type: 'mcp' }))).toBe('TASK_INVALID_INPUT');
    expect(changes).toHaveLength(MAX_ACTIVE_TASKS);
    const off = registry.onChange(() => changes.push(changes[0]));
    off();
    registry.cancel(registry.list()[0].id);
    expect(changes).toHaveLength(MAX_ACTIVE_TASKS + 1);
  });
});
