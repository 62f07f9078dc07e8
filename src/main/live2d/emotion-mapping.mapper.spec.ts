import { applyEmotionMapping, deriveEmotionMapping, normaliseModelPath } from './emotion-mapping.mapper';

describe('emotion mapping', () => {
  it('normalises posted paths and drops unsafe ones', () => {
    expect(normaliseModelPath('motions\\a.motion3.json')).toBe('motions/a.motion3.json');
    expect(normaliseModelPath('././m/a.json')).toBe('m/a.json');
    expect(normaliseModelPath('.hidden/a.json')).toBe('.hidden/a.json');
    for (const bad of ['../a', 'm/../../a', '/etc/passwd', 'C:/x', 'a\u0000b', '', 5]) expect(normaliseModelPath(bad)).toBeUndefined();
  });

  it('derives motions per group and expressions per Name prefix (neutral without one)', () => {
    const model3 = {
      FileReferences: {
        Motions: { Idle: [{ File: 'm\\idle.motion3.json' }, { NoFile: 1 }, 'junk'], Empty: null },
        Expressions: [{ Name: 'sad_cry', File: 'e/cry.exp3.json' }, { Name: 'x', File: 'e/x.exp3.json' }, { Name: 'y' }, 3],
      },
    };
    expect(deriveEmotionMapping(model3)).toEqual({ motions: { Idle: ['m/idle.motion3.json'], Empty: [] }, expressions: { sad: ['e/cry.exp3.json'], neutral: ['e/x.exp3.json'] } });
    expect(deriveEmotionMapping({})).toEqual({ motions: {}, expressions: {} });
  });

  it('applies a mapping: motions rebuilt without 常驻, expressions of posted prefixes replaced, body kept verbatim', () => {
    const model3: Record<string, unknown> = { FileReferences: { Moc: 'a.moc3', Expressions: [{ Name: 'happy_old', File: 'e/old.exp3.json' }, { Name: 'keep_me', File: 'e/k.exp3.json' }, 'odd'] } };
    const body = { motions: { happy: ['m/h.motion3.json', '../x'], 常驻: ['m/i.motion3.json'] }, expressions: { happy: ['e/new.exp3.json'] } };
    applyEmotionMapping(model3, body);
    expect(model3).toEqual({
      FileReferences: {
        Moc: 'a.moc3',
        Motions: { happy: [{ File: 'm/h.motion3.json' }] },
        Expressions: [{ Name: 'keep_me', File: 'e/k.exp3.json' }, 'odd', { Name: 'happy_new', File: 'e/new.exp3.json' }],
      },
      EmotionMapping: body,
    });
  });
});
