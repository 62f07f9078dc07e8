import { coercePreferences } from './preferences.service';

describe('coercePreferences (user_preferences.json)', () => {
  it('keeps the array entries that are objects', () => {
    expect(coercePreferences([{ model_path: '/a.model3.json' }, 3, null, { model_path: '/b.model3.json' }])).toEqual([{ model_path: '/a.model3.json' }, { model_path: '/b.model3.json' }]);
  });

  it('wraps an old single-object file so its entry survives the next save', () => {
    const old = { model_path: '/static/mao_pro/mao_pro.model3.json', position: { x: 1, y: 2 }, scale: { x: 0.2, y: 0.2 } };
    expect(coercePreferences(old)).toEqual([old]);
  });

  it('answers [] for anything else', () => {
    expect(coercePreferences({ unrelated: true })).toEqual([]);
    expect(coercePreferences('x')).toEqual([]);
  });
});
