import { normaliseReply, timestampPrefix, TIMESTAMP_PREFIX } from './turn-text.format';

describe('turn log text rules', () => {
  it('writes the timestamp prefix in local time with an English weekday', () => {
    expect(timestampPrefix(new Date(2025, 11, 1, 14, 5))).toBe('[20251201 Mon 14:05] ');
    expect(timestampPrefix(new Date(2026, 0, 4, 0, 9))).toBe('[20260104 Sun 00:09] ');
    expect(timestampPrefix(new Date(2026, 10, 28, 23, 59))).toBe('[20261128 Sat 23:59] ');
    expect(TIMESTAMP_PREFIX.test(timestampPrefix(new Date()))).toBe(true);
  });

  it('removes emoji, tags and extra spaces but keeps the prefix and the words', () => {
    expect(normaliseReply('[20251201 Mon 14:05]   好呀😸 我们<happy>去  散步吧！👍🏽 ')).toBe('[20251201 Mon 14:05] 好呀 我们去 散步吧！');
    expect(normaliseReply('I love 👨‍👩‍👧 family ❤️ time')).toBe('I love family time');
    expect(normaliseReply('line one  \n   line two')).toBe('line one\nline two');
    expect(normaliseReply('第1名 #1')).toBe('第1名 #1');
  });

  it('drops a reply that is only punctuation, emoji or tags', () => {
    expect(normaliseReply('[20251201 Mon 14:05] ……！？')).toBeUndefined();
    expect(normaliseReply('😸😸 <smile> ~')).toBeUndefined();
    expect(normaliseReply('')).toBeUndefined();
    expect(normaliseReply('[20251201 Mon 14:05] ')).toBeUndefined();
  });
});
