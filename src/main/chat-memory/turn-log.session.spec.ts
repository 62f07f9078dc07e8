import type { OutboxKind } from './memory-outbox.store';
import { TurnLogSession } from './turn-log.session';

describe('TurnLogSession', () => {
  let reports: Array<{ kind: OutboxKind; history: unknown }>;
  let errors: Error[];
  let now: Date;
  let failNext: boolean;
  const make = () =>
    new TurnLogSession(
      (kind, inputHistory) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('disk full'));
        }
        reports.push({ kind, history: JSON.parse(inputHistory) });
        return Promise.resolve();
      },
      (e) => errors.push(e),
      () => now,
    );
  beforeEach(() => {
    reports = [];
    errors = [];
    now = new Date(2025, 11, 1, 14, 5);
    failNext = false;
  });

  it('flushes the user cache when the reply starts and prefixes the reply with the time', async () => {
    const log = make();
    log.user('我的猫叫麻薯');
    log.user('它三岁了');
    log.assistant('好可爱');
    log.user('插话');
    log.assistant('😸 <happy>喵！');
    expect(log.turnEnd()).toEqual([
      { role: 'user', content: '我的猫叫麻薯\n它三岁了' },
      { role: 'assistant', content: '[20251201 Mon 14:05] 好可爱 喵！' },
    ]);
    await log.renew();
    expect(reports).toEqual([
      {
        kind: 'renew',
        history: [
          { role: 'user', content: [{ type: 'text', text: '我的猫叫麻薯\n它三岁了' }] },
          { role: 'assistant', content: [{ type: 'text', text: '[20251201 Mon 14:05] 好可爱 喵！' }] },
          { role: 'user', content: [{ type: 'text', text: '插话' }] },
        ],
      },
    ]);
    expect(log.snapshot()).toEqual([]);
  });

  it('drops a punctuation-only reply and returns at most six analyzer messages', () => {
    const log = make();
    for (let i = 0; i < 5; i++) {
      log.user(`问${i}`);
      log.assistant(i === 4 ? '……' : `答${i}`);
      log.turnEnd();
    }
    const analyzer = log.turnEnd();
    expect(analyzer).toHaveLength(6);
    const p = '[20251201 Mon 14:05] ';
    expect(analyzer.map((m) => `${m.role}:${m.content}`)).toEqual([`assistant:${p}答1`, 'user:问2', `assistant:${p}答2`, 'user:问3', `assistant:${p}答3`, 'user:问4']);
    expect(log.snapshot().filter((m) => m.role === 'assistant')).toHaveLength(4);
  });

  it('session end reports to /process and returns [] without a user message', async () => {
    const log = make();
    expect(await log.sessionEnd()).toEqual([]);
    expect(reports).toEqual([]);
    log.assistant('主动打招呼');
    expect(await log.sessionEnd()).toEqual([]);
    expect(reports.map((r) => r.kind)).toEqual(['process']);
    log.user('再见');
    log.assistant('拜拜');
    expect(await log.sessionEnd()).toEqual([{ role: 'user', content: '再见' }, { role: 'assistant', content: '[20251201 Mon 14:05] 拜拜' }]);
    expect(reports.map((r) => r.kind)).toEqual(['process', 'process']);
  });

  it('keeps the history for the next report when the outbox cannot write it', async () => {
    const log = make();
    log.user('第一句');
    failNext = true;
    await log.renew();
    expect(errors.map((e) => e.message)).toEqual(['disk full']);
    log.user('第二句');
    await log.sessionEnd();
    expect(reports).toEqual([{ kind: 'process', history: [{ role: 'user', content: [{ type: 'text', text: '第一句' }] }, { role: 'user', content: [{ type: 'text', text: '第二句' }] }] }]);
  });
});
