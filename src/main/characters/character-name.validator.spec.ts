import { isValidCharacterName, own, truthy } from './character-name.validator';

describe('character names', () => {
  it('accepts CJK, spaces and punctuation that make a safe file name', () => {
    for (const name of ['小天', 'Luna', 'T酱 (2)', 'a'.repeat(50), '猫·娘', 'Mr.Cat', "O'Neil", 'ミク', '하나']) expect(isValidCharacterName(name)).toBe(true);
  });

  it('refuses empty, long, path-like, control-character and prototype names', () => {
    for (const name of ['', '   ', ' a', 'a'.repeat(51), '../x', 'a/b', 'a\\b', '..', 'a\u0000b', 'a\nb', '__proto__', 'a:b', 'a?b', 'a*b', '<x>', 5, null]) {
      expect(isValidCharacterName(name)).toBe(false);
    }
  });

  it('truthy follows Python', () => {
    expect([0, '', null, undefined, false, [], {}].map(truthy)).toEqual([false, false, false, false, false, false, false]);
    expect([1, 'a', true, [0], { a: 1 }].map(truthy)).toEqual([true, true, true, true, true]);
  });

  it('own() never reaches Object.prototype', () => {
    const map: Record<string, number> = { a: 1 };
    expect(own(map, 'a')).toBe(1);
    expect(own(map, 'constructor')).toBeUndefined();
    expect(own(map, '__proto__')).toBeUndefined();
  });
});
