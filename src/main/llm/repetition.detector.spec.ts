import { RepetitionDetector, trigramJaccard } from './repetition.detector';

describe('trigramJaccard', () => {
  it('is 1 for equal texts, 0 for disjoint ones, in between for overlap', () => {
    expect(trigramJaccard('今天天气真好呀', '今天天气真好呀')).toBe(1);
    expect(trigramJaccard('abcdef', 'uvwxyz')).toBe(0);
    const partial = trigramJaccard('abcdefgh', 'abcdexyz');
    expect(partial).toBeGreaterThan(0.1);
    expect(partial).toBeLessThan(0.8);
    expect(trigramJaccard('', '')).toBe(0);
  });
});

describe('RepetitionDetector', () => {
  it('fires on the third near-identical reply and then starts over', () => {
    const d = new RepetitionDetector();
    const reply = '主人你好呀，今天想聊点什么呢？我一直在这里等你哦。';
    expect(d.check(reply)).toBe(false);
    expect(d.check(reply + '喵')).toBe(false);
    expect(d.check(reply)).toBe(true);
    expect(d.check(reply)).toBe(false); // history was reset
  });

  it('does not fire for different replies or blanks', () => {
    const d = new RepetitionDetector();
    for (const r of ['今天天气真好', '我们去公园散步吧', '晚饭想吃什么呢', '  ', '今天天气真好']) expect(d.check(r)).toBe(false);
  });

  it('compares with the last three replies only', () => {
    const d = new RepetitionDetector();
    const same = 'the very same answer again and again';
    d.check(same);
    d.check(same + '!');
    d.check('something else entirely, number one');
    d.check('another unrelated reply, number two');
    d.check('a third unrelated reply, number three');
    expect(d.check(same)).toBe(false);
  });
});
