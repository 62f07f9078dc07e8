import { addGathered, clampMs, failure, finish, MAX_TIMEOUT_MS, type RunState } from './browser-task.util';

const state = (): RunState => ({ history: [], gathered: [], lastPage: '' });

describe('browser task helpers', () => {
  it('clamps every timeout into a range setTimeout honours', () => {
    expect(clampMs(3e9, 1000)).toBe(MAX_TIMEOUT_MS);
    expect(clampMs(Infinity, 1000)).toBe(MAX_TIMEOUT_MS);
    expect(clampMs(Number.NaN, 1000)).toBe(1000);
    expect(clampMs(-5, 1000)).toBe(1000);
    expect(clampMs(0, 1000)).toBe(1000);
    expect(clampMs('60000', 1000)).toBe(1000);
    expect(clampMs(2500.7, 1000)).toBe(2500);
    expect(clampMs(undefined, 3e9)).toBe(MAX_TIMEOUT_MS); // a bad default is bounded too
    expect(MAX_TIMEOUT_MS).toBeLessThanOrEqual(2 ** 31 - 1);
  });

  it('keeps the newest gathered information within the total budget', () => {
    const s = state();
    for (let i = 0; i < 5; i++) addGathered(s, `${i}`.repeat(1500));
    expect(s.gathered.map((g) => g[0])).toEqual(['3', '4']);
    expect(s.gathered.join('').length).toBeLessThanOrEqual(4000);
  });

  it('turns done/fail into results with the gathered detail', () => {
    const s = state();
    addGathered(s, 'From Shop: Kettle 20 EUR');
    expect(finish({ action: 'done', result: 'The kettle costs 20 EUR.', success: true }, s)).toEqual({
      success: true,
      summary: 'The kettle costs 20 EUR.',
      detail: 'The kettle costs 20 EUR.\n\nFrom Shop: Kettle 20 EUR',
    });
    expect(finish({ action: 'fail', reason: 'login needed' }, s)).toMatchObject({ success: false, error: 'login needed', summary: 'Browser task failed: login needed' });
    expect(finish({ action: 'done', result: 'only half', success: false }, s)).toMatchObject({ success: false, error: 'only half' });
    const empty = state();
    empty.lastPage = 'Shop (https://shop.example)';
    expect(failure('stopped', 'step limit reached', empty).detail).toBe('Last page: Shop (https://shop.example)');
  });
});
