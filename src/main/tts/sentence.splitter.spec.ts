import { HARD_CUT_CHARS, SentenceSplitter } from './sentence.splitter';

/** Feeds `text` in pieces of `size` characters (or at the given cut points), then flushes. */
function split(text: string, size = text.length): string[] {
  const s = new SentenceSplitter();
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...s.push(text.slice(i, i + size)));
  return [...out, ...s.flush()];
}

/** The same text in every delta size from 1 to 7 and whole gives the same sentences. */
function splitEverywhere(text: string): string[] {
  const whole = split(text);
  for (let size = 1; size <= 7; size++) expect(split(text, size)).toEqual(whole);
  return whole;
}

describe('SentenceSplitter', () => {
  it('cuts Chinese at 。！？；… and keeps closing quotes', () => {
    expect(splitEverywhere('你好呀！今天过得怎么样？我很好。“真的吗？”当然……我们走吧；好')).toEqual([
      '你好呀！', '今天过得怎么样？', '我很好。', '“真的吗？”', '当然……', '我们走吧；', '好',
    ]);
  });

  it('cuts English at . ! ? before a space, and at the end of the turn', () => {
    expect(splitEverywhere('Hello there! How are you? I am fine. Really?! "Yes." Ok...  bye.')).toEqual([
      'Hello there!', 'How are you?', 'I am fine.', 'Really?!', '"Yes."', 'Ok...', 'bye.',
    ]);
  });

  it('does not cut decimals, domains, abbreviations or initials', () => {
    expect(splitEverywhere('Pi is 3.14 and e is 2.718. Mr. Smith met J. K. Rowling e.g. at example.com today. Next.')).toEqual([
      'Pi is 3.14 and e is 2.718.', 'Mr. Smith met J. K. Rowling e.g. at example.com today.', 'Next.',
    ]);
  });

  it('emits a sentence as soon as its end is certain, before the turn ends', () => {
    const s = new SentenceSplitter();
    expect(s.push('你好。')).toEqual([]); // a second 。 or a closing quote may follow
    expect(s.push('我')).toEqual(['你好。']);
    expect(s.push('Hello world.')).toEqual([]); // could be "world.com"
    expect(s.push(' Bye')).toEqual(['我Hello world.']);
    expect(s.push(' 3.')).toEqual([]);
    expect(s.push('5 kg\nnext')).toEqual(['Bye 3.5 kg']);
    expect(s.flush()).toEqual(['next']);
    expect(s.flush()).toEqual([]);
  });

  it('handles mixed Chinese and English', () => {
    expect(splitEverywhere('我喜欢 TypeScript.你呢?Sure! 好的。')).toEqual(['我喜欢 TypeScript.', '你呢?', 'Sure!', '好的。']);
  });

  it('cuts at newlines and skips empty lines', () => {
    expect(splitEverywhere('第一行\n\n  \nSecond line\r\nthird')).toEqual(['第一行', 'Second line', 'third']);
  });

  it('soft-cuts a long clause at a comma near 60 characters', () => {
    const text = 'This sentence goes on and on, with many clauses that follow each other, and it never seems to end at all';
    const pieces = splitEverywhere(text);
    // the last comma within the first 60 characters, then again in what follows
    expect(pieces).toEqual(['This sentence goes on and on,', 'with many clauses that follow each other,', 'and it never seems to end at all']);
    const late = 'A clause without any break for a long while until this one arrives, then the rest';
    expect(splitEverywhere(late)).toEqual(['A clause without any break for a long while until this one arrives,', 'then the rest']);
    const zh = '我们今天去了公园，看到了很多花，有红色的、黄色的、紫色的，还有一些我叫不出名字的花，真的非常漂亮，下次还想再去一次看看，如果天气好的话我们可以带上野餐的东西，在草地上坐一个下午，一直到太阳下山为止';
    const zhPieces = splitEverywhere(zh);
    expect(zhPieces.length).toBeGreaterThan(1);
    expect(zhPieces.join('')).toBe(zh);
    for (const p of zhPieces.slice(0, -1)) expect(/[，、]$/u.test(p)).toBe(true);
  });

  it('does not soft-cut inside numbers like 1,000 and hard-cuts text with no punctuation', () => {
    const noComma = 'word '.repeat(60).trim();
    const pieces = splitEverywhere(noComma);
    expect(pieces.every((p) => p.length <= HARD_CUT_CHARS)).toBe(true);
    expect(pieces.join(' ')).toBe(noComma);
    expect(splitEverywhere('We counted 1,000,000 stars in the sky tonight and another 2,500 more tomorrow night and')).toEqual([
      'We counted 1,000,000 stars in the sky tonight and another 2,500 more tomorrow night and',
    ]);
    const han = '好'.repeat(300);
    expect(splitEverywhere(han).join('')).toBe(han);
  });

  it('strips tags, emoji, markdown and bracketed asides, also across deltas', () => {
    expect(splitEverywhere('<b>Hello</b> there 😊! 你好（笑）呀【小声】。(waves) **Nice** [laughs] to meet you 👍🏽.')).toEqual([
      'Hello there!', '你好呀。', 'Nice to meet you.',
    ]);
    expect(splitEverywhere('家人👨‍👩‍👧们好。1️⃣号')).toEqual(['家人们好。', '1号']);
    expect(splitEverywhere('Nested (a (b) c) gone. 3 < 5 is true.')).toEqual(['Nested gone.', '3 < 5 is true.']);
  });

  it('holds an open aside until it closes, drops one still open at the end, and drops a lone opener', () => {
    const s = new SentenceSplitter();
    expect(s.push('好的（轻轻')).toEqual([]);
    expect(s.push('地笑）。然后')).toEqual(['好的。']);
    expect(s.push('(unfinished aside')).toEqual([]);
    expect(s.flush()).toEqual(['然后']);
    const lone = `Sad face ( ${'and a long tale '.repeat(15)}end.`;
    expect(split(lone)[0].startsWith('Sad face and a long tale')).toBe(true);
  });

  it('reset drops the pending text', () => {
    const s = new SentenceSplitter();
    s.push('Half a sent');
    s.reset();
    expect(s.push('New turn. ')).toEqual(['New turn.']);
    expect(s.flush()).toEqual([]);
  });
});
