import { tokenize } from './tokenizer';

describe('tokenize', () => {
  it('segments Chinese with jieba search mode and drops function words', () => {
    const terms = tokenize('我的猫叫麻薯，它最喜欢吃小鱼干');
    expect(terms).toEqual(expect.arrayContaining(['麻薯', '喜欢', '小鱼']));
    expect(terms).not.toContain('的');
  });

  it('stems English and drops stop words', () => {
    expect(tokenize("Caroline's painting classes were supportive!")).toEqual(['carolin', 'paint', 'class', 'support']);
  });

  it('splits Japanese kana and Korean into bigrams, keeps kanji words', () => {
    expect(tokenize('ねこがすき')).toEqual(['ねこ', 'こが', 'がす', 'すき']);
    expect(tokenize('고양이')).toEqual(['고양', '양이']);
    expect(tokenize('東京に行きました')).toEqual(expect.arrayContaining(['東京', 'きま']));
  });

  it('normalises full-width forms and case', () => {
    expect(tokenize('ＣＡＴＳ ２０２３')).toEqual(['cat', '2023']);
  });
});
