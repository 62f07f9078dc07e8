import { ReplyFence, ThinkTagFilter } from './reply-text.filter';

/** Feeds the deltas through a fresh filter; the visible text. */
function visible(deltas: string[]): string {
  const f = new ThinkTagFilter();
  return deltas.map((d) => f.push(d)).join('') + f.flush();
}

describe('ThinkTagFilter', () => {
  it('removes a think block inside one delta', () => {
    expect(visible(['<think>plan it</think>你好'])).toBe('你好');
  });

  it('removes blocks whose tags are split across deltas, character by character too', () => {
    const reply = 'A<think>x\ny</think>B<think>z</think>C';
    expect(visible(['A<th', 'ink>x\n', 'y</thi', 'nk>B<think>z</', 'think>C'])).toBe('ABC');
    expect(visible(Array.from(reply))).toBe('ABC');
  });

  it('holds back a possible tag start and releases it when it was plain text', () => {
    const f = new ThinkTagFilter();
    expect(f.push('1 <')).toBe('1 ');
    expect(f.push(' 2')).toBe('< 2');
    expect(f.push(' a<thi')).toBe(' a');
    expect(f.flush()).toBe('<thi');
  });

  it('drops an unclosed block at the end', () => {
    expect(visible(['ok<think>never closed'])).toBe('ok');
  });
});

describe('ReplyFence', () => {
  it('lets one | through and cuts before the second, then stops', () => {
    const fence = new ReplyFence();
    expect(fence.push('喵 | 你好')).toEqual({ text: '喵 | 你好', stop: false });
    expect(fence.push('呀。主人 | 我')).toEqual({ text: '呀。主人 ', stop: true });
    expect(fence.push('more')).toEqual({ text: '', stop: true });
  });

  it('cuts two bars in one delta', () => {
    expect(new ReplyFence().push('a|b|c')).toEqual({ text: 'a|b', stop: true });
  });
});
