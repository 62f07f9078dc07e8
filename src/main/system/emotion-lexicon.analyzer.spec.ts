import { analyzeEmotionLexically } from './emotion-lexicon.analyzer';

const emotionOf = (text: string) => analyzeEmotionLexically(text).emotion;

describe('analyzeEmotionLexically', () => {
  it.each([
    ['哈哈，太好了！', 'happy'],
    ['谢谢你陪我，好幸福', 'happy'],
    ['不开心', 'sad'],
    ['我不是很开心', 'sad'],
    ['好难过，想哭', 'sad'],
    ['我没有生气啦', 'neutral'],
    ['你真的好过分，气死我了', 'angry'],
    ['哇，没想到你会来', 'surprised'],
    ['真的假的？！', 'surprised'],
    ['明天下午三点开会。', 'neutral'],
    ['Yay, this is awesome!', 'happy'],
    ["I don't like this, it makes me sad", 'sad'],
    ['not happy', 'sad'],
    ['I am not angry', 'neutral'],
    ['Stop it, you idiot, I hate this!', 'angry'],
    ['Whoa, that was unexpected', 'surprised'],
    ['Please send the file.', 'neutral'],
  ])('%s → %s', (text, emotion) => {
    expect(emotionOf(text)).toBe(emotion);
  });

  it('exclamation marks raise the confidence of the leading emotion', () => {
    const calm = analyzeEmotionLexically('我很开心');
    const loud = analyzeEmotionLexically('我很开心！！！');
    expect(loud.emotion).toBe('happy');
    expect(loud.confidence).toBeGreaterThan(calm.confidence);
    expect(loud.confidence).toBeLessThanOrEqual(0.95);
  });

  it('an exclamation alone reads as surprise; plain text is neutral 0.5', () => {
    expect(emotionOf('啊！')).toBe('surprised');
    expect(analyzeEmotionLexically('')).toEqual({ emotion: 'neutral', confidence: 0.5 });
  });

  it('a tie between two emotions is neutral', () => {
    expect(emotionOf('happy but sad')).toBe('neutral');
  });

  it('handles very long input in bounded time', () => {
    const started = Date.now();
    analyzeEmotionLexically('开心'.repeat(100_000));
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
