import { isArchiveJunk, isValidModelName, normaliseUploadPath } from './model-name.validator';

describe('upload paths and model names', () => {
  it('keeps relative paths, re-roots leading slashes and refuses .. / drive letters / control characters', () => {
    expect(normaliseUploadPath('MyModel/MyModel.model3.json')).toBe('MyModel/MyModel.model3.json');
    expect(normaliseUploadPath('\\MyModel\\textures\\t.png')).toBe('MyModel/textures/t.png');
    expect(normaliseUploadPath('/a//./b')).toBe('a/b');
    for (const bad of ['../x', 'a/../../x', 'a\\..\\x', 'C:\\x', 'a/\u0001b', '', '/', 42]) expect(normaliseUploadPath(bad)).toBeUndefined();
  });

  it('recognises archive junk', () => {
    expect(isArchiveJunk('__MACOSX/M/._M.model3.json')).toBe(true);
    expect(isArchiveJunk('M/.DS_Store')).toBe(true);
    expect(isArchiveJunk('M/M.model3.json')).toBe(false);
  });

  it('validates model names', () => {
    for (const ok of ['hiyori', '小天模型', 'mao pro', 'a.b', '3012345678']) expect(isValidModelName(ok)).toBe(true);
    for (const bad of ['', ' ', '..', 'a..b', '.x', 'a/b', 'a\\b', 'C:x', 'a\u0000', 'x'.repeat(256), undefined]) expect(isValidModelName(bad)).toBe(false);
  });
});
