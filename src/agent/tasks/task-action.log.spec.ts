import { ACTION_LOG_LIMITS, TaskActionLog } from './task-action.log';

describe('TaskActionLog', () => {
  const at = new Date('2026-01-02T03:04:05.000Z');

  it('keeps the entries of a task in order with their time, stage and message', () => {
    const log = new TaskActionLog(() => at);
    log.add('t1', { stage: 'action', message: 'navigate http://x' });
    log.add('t1', { stage: 'action', message: 'click #go' });
    log.add('t2', { stage: 'calling' });
    expect(log.list('t1')).toEqual([
      { at: '2026-01-02T03:04:05.000Z', stage: 'action', message: 'navigate http://x' },
      { at: '2026-01-02T03:04:05.000Z', stage: 'action', message: 'click #go' },
    ]);
    expect(log.list('t2')).toEqual([{ at: '2026-01-02T03:04:05.000Z', stage: 'calling', message: '' }]);
    expect(log.list('nope')).toEqual([]);
  });

  it('bounds the message size and the entries per task, dropping the oldest', () => {
    const log = new TaskActionLog(() => at);
    log.add('t', { stage: 'action', message: 'x'.repeat(1000) });
    expect(log.list('t')[0].message).toHaveLength(ACTION_LOG_LIMITS.messageChars);
    expect(log.list('t')[0].message.endsWith('…')).toBe(true);
    for (let i = 0; i < ACTION_LOG_LIMITS.entriesPerTask + 50; i++) log.add('t', { stage: 'action', message: `m${i}` });
    const entries = log.list('t');
    expect(entries).toHaveLength(ACTION_LOG_LIMITS.entriesPerTask);
    expect(entries[entries.length - 1].message).toBe(`m${ACTION_LOG_LIMITS.entriesPerTask + 49}`);
    expect(entries[0].message).toBe('m50');
  });

  it('hands out copies, drops a task, and retains only the given ids', () => {
    const log = new TaskActionLog(() => at);
    log.add('a', { stage: 's', message: 'one' });
    log.add('b', { stage: 's', message: 'two' });
    log.add('c', { stage: 's', message: 'three' });
    const copy = log.list('a');
    (copy as { message: string }[])[0].message = 'changed';
    expect(log.list('a')[0].message).toBe('one');
    log.drop('a');
    expect(log.list('a')).toEqual([]);
    expect(log.retain(['c'])).toBe(1);
    expect(log.list('b')).toEqual([]);
    expect(log.list('c')).toHaveLength(1);
    expect(log.size).toBe(1);
  });

  it('evicts the least recently written task beyond the task limit', () => {
    const log = new TaskActionLog(() => at);
    for (let i = 0; i < ACTION_LOG_LIMITS.tasks; i++) log.add(`t${i}`, { stage: 's' });
    log.add('t0', { stage: 's' }); // t0 is now the newest; t1 is the oldest
    log.add('new', { stage: 's' });
    expect(log.size).toBe(ACTION_LOG_LIMITS.tasks);
    expect(log.list('t1')).toEqual([]);
    expect(log.list('t0')).toHaveLength(2);
    expect(log.list('new')).toHaveLength(1);
  });

  it('keeps at most the global number of entries, dropping the least recently written tasks whole', () => {
    const log = new TaskActionLog(() => at);
    const per = ACTION_LOG_LIMITS.entriesPerTask;
    const tasks = ACTION_LOG_LIMITS.entries / per;
    for (let t = 0; t < tasks; t++) for (let i = 0; i < per; i++) log.add(`t${t}`, { stage: 's', message: `${i}` });
    expect(log.entries).toBe(ACTION_LOG_LIMITS.entries);
    log.add('extra', { stage: 's' });
    expect(log.entries).toBe(ACTION_LOG_LIMITS.entries - per + 1);
    expect(log.list('t0')).toEqual([]);
    expect(log.list('t1')).toHaveLength(per);
    log.drop('t1');
    expect(log.entries).toBe(ACTION_LOG_LIMITS.entries - 2 * per + 1);
  });
});
