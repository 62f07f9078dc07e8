import { isValidVrmName, pyRepr } from './vrm.const';
import { normaliseVrmMapping } from './vrm-emotion.service';

describe('VRM names and mappings', () => {
  it("accepts upstream's [\\w.-] names including CJK, refuses separators, .. and leading dots", () => {
    for (const ok of ['Avatar', '小天', 'my-model_1.0', 'Ünïcode']) expect(isValidVrmName(ok)).toBe(true);
    for (const bad of ['', 'a b', 'a/b', 'a\\b', '..', 'a..b', '.x', 'a%2Fb']) expect(isValidVrmName(bad)).toBe(false);
  });

  it('normalises a mapping to non-empty string lists', () => {
    expect(normaliseVrmMapping({ happy: ' joy ', sad: ['sorrow', '', 1, ' grief'], x: 5, '  ': ['a'], none: [] })).toEqual({ happy: ['joy'], sad: ['sorrow', 'grief'] });
    expect(normaliseVrmMapping({ a: Array.from({ length: 300 }, () => 'x') })).toBeUndefined();
  });

  it("quotes like Python's repr", () => {
    expect(pyRepr('a b')).toBe("'a b'");
    expect(pyRepr("it's")).toBe('"it\'s"');
  });
});
