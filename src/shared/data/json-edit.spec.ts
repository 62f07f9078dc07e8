import { parseStrictJson, rewriteJson } from './json-edit';

const ORIGINAL = `{
  "主人": {
    "档案名": "哥哥",
    "性别": "男",
    "昵称": "哥哥",
    "自定义": 1.0
  },
  "猫娘": {
    "小天": {
      "性别": "女",
      "年龄": 15,
      "live2d": "mao_pro",
      "未知字段": {"a": [1, 2.50, 3e2]}
    }
  },
  "当前猫娘": "小天",
  "123": "integer-like key stays in place",
  "extra": null
}`;

describe('rewriteJson', () => {
  it('changes only the edited value and keeps every other byte', () => {
    const data = parseStrictJson(ORIGINAL) as Record<string, Record<string, unknown>>;
    (data['猫娘']['小天'] as Record<string, unknown>)['live2d'] = 'hiyori';
    const out = rewriteJson(ORIGINAL, data);
    expect(out).toBe(ORIGINAL.replace('"live2d": "mao_pro"', '"live2d": "hiyori"'));
  });

  it('adds and removes keys without touching unknown ones', () => {
    const data = parseStrictJson(ORIGINAL) as Record<string, unknown>;
    data['当前麦克风'] = 'mic-1';
    delete data['extra'];
    const out = rewriteJson(ORIGINAL, data);
    expect(parseStrictJson(out)).toEqual(data);
    expect(out).toContain('"自定义": 1.0');
    expect(out).toContain('"未知字段": {"a": [1, 2.50, 3e2]}');
    expect(out.indexOf('"123"')).toBeGreaterThan(out.indexOf('"当前猫娘"'));
    expect(out).toContain('"当前麦克风": "mic-1"');
    expect(out).not.toContain('"extra"');
  });

  it('returns the text unchanged when nothing changed', () => {
    expect(rewriteJson(ORIGINAL, parseStrictJson(ORIGINAL))).toBe(ORIGINAL);
  });

  it('adds a whole new character object with indentation', () => {
    const data = parseStrictJson(ORIGINAL) as Record<string, Record<string, unknown>>;
    data['猫娘']['新角色'] = { 性别: '女', 昵称: '新' };
    const out = rewriteJson(ORIGINAL, data);
    expect(parseStrictJson(out)).toEqual(data);
    expect(out).toContain('"新角色": {\n');
  });

  it('replaces a top-level array wholesale', () => {
    expect(parseStrictJson(rewriteJson('[1, 2]', [{ a: 1 }]))).toEqual([{ a: 1 }]);
  });

  it('rejects invalid JSON', () => {
    expect(() => parseStrictJson('{"a": 1,}')).toThrow(SyntaxError);
    expect(() => parseStrictJson('{"a": 1} // c')).toThrow(SyntaxError);
  });
});
