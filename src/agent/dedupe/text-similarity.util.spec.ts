import { normalizeText, numbersOf, shingles, similarity } from './text-similarity.util';

describe('text similarity', () => {
  it('normalises width, case and punctuation', () => {
    expect(normalizeText('  ＯＰＥＮ，the Browser!! ')).toBe('open the browser');
    expect(normalizeText(42)).toBe('');
    expect(shingles(null).size).toBe(0);
  });

  it.each([
    ['请帮我打开浏览器搜索一下今天的天气', '打开浏览器，搜索今天的天气！'],
    ['帮我打开浏览器搜索今天的天气', '打开浏览器搜索今天天气'],
    ["Open the browser and search for today's weather", "please open the browser and search today's weather"],
    ['Open the browser and search for the weather in Paris', 'open browser, search weather Paris'],
  ])('scores rewordings of one request high: %s / %s', (a, b) => {
    expect(similarity(a, b).jaccard).toBeGreaterThanOrEqual(0.8);
  });

  it.each([
    ['打开记事本写一首诗', '搜索北京今天的天气'],
    ['Send an email to Bob about the meeting', 'Open notepad and write a poem'],
    ['打开浏览器搜索天气', 'open notepad and write a poem'],
  ])('scores unrelated requests low: %s / %s', (a, b) => {
    const s = similarity(a, b);
    expect(s.jaccard).toBeLessThan(0.1);
    expect(s.containment).toBeLessThan(0.2);
  });

  it('puts one-detail differences in between and measures containment of the new text', () => {
    for (const [a, b] of [
      ['帮我订一张去上海的机票', '帮我订一张去北京的机票'],
      ['Book a flight to Tokyo', 'Book a flight to Kyoto'],
    ]) {
      const { jaccard } = similarity(a, b);
      expect(jaccard).toBeGreaterThan(0.3);
      expect(jaccard).toBeLessThan(0.8);
    }
    const sub = similarity('open notepad', 'open notepad and write a poem about cats');
    expect(sub.containment).toBe(1);
    expect(sub.jaccard).toBeLessThan(0.5);
  });

  it('tells texts with different numbers apart', () => {
    expect(numbersOf('set 10 timers for 5 min, 5 more')).toEqual(['10', '5']);
    expect(similarity('set a timer for 5 minutes', 'set a timer for 10 minutes').sameNumbers).toBe(false);
    expect(similarity('设置一个５分钟的计时器', '设置一个5分钟的计时器')).toEqual({ jaccard: 1, containment: 1, sameNumbers: true });
  });

  it('bounds the compared length', () => {
    expect(normalizeText('a'.repeat(10_000))).toHaveLength(2000);
  });
});
