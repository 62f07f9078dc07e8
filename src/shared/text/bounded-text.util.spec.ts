import { boundCodePoints, boundLine, codePointLength, oneLine } from './bounded-text.util';

const LONE_HIGH = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/;

describe('bounded text', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('😀😀a')).toBe(3);
    expect(codePointLength('任务')).toBe(2);
    expect(codePointLength('\uD800x')).toBe(2); // a lone surrogate is one
  });

  it('keeps text within the bound and marks the cut', () => {
    expect(boundCodePoints('abc', 3)).toBe('abc');
    expect(boundCodePoints('abcd', 3)).toBe('ab…');
    expect(boundCodePoints('abcd', 1)).toBe('…');
    expect(boundCodePoints('abcd', 0)).toBe('');
    expect(boundCodePoints('abcd', -5)).toBe('');
    expect(boundCodePoints('abcd', Number.NaN)).toBe('');
  });

  it('never splits a surrogate pair', () => {
    const emoji = '😀'.repeat(10);
    expect(boundCodePoints(emoji, 10)).toBe(emoji); // 20 UTF-16 units, 10 code points
    const cut = boundCodePoints(emoji, 4);
    expect(cut).toBe('😀😀😀…');
    expect(cut).not.toMatch(LONE_HIGH);
    for (let max = 1; max < 12; max++) {
      const mixed = boundCodePoints('a😀b😀c😀d😀e😀', max);
      expect(codePointLength(mixed)).toBeLessThanOrEqual(max);
      expect(mixed).not.toMatch(LONE_HIGH);
    }
  });

  it('bounds a huge text to exactly max code points', () => {
    const huge = '字😀'.repeat(500_000);
    expect(codePointLength(boundCodePoints(huge, 1500))).toBe(1500);
  });

  it('collapses whitespace for single-line excerpts', () => {
    expect(oneLine('  a \n\t b  ')).toBe('a b');
    expect(boundLine(' hello\n\nworld ', 8)).toBe('hello w…');
  });
});
