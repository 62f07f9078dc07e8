import { MAX_HELD_BLOCK_CHARS, ThinkBlockFilter } from './think-block.filter';

function run(deltas: readonly string[]): string {
  const f = new ThinkBlockFilter();
  return deltas.map((d) => f.push(d)).join('') + f.flush();
}

describe('ThinkBlockFilter', () => {
  it('removes reasoning blocks however the deltas cut the tags', () => {
    const text = 'Hi <think>plan: be nice</think>there. <THINKING>more</thinking>Bye <reasoning>x</reasoning>!';
    const expected = 'Hi there. Bye !';
    expect(run([text])).toBe(expected);
    for (let cut = 1; cut < text.length; cut++) expect(run([text.slice(0, cut), text.slice(cut)])).toBe(expected);
    expect(run(text.split(''))).toBe(expected);
  });

  it('passes other tags and a lone < on to the splitter, holds only a possible tag start', () => {
    const f = new ThinkBlockFilter();
    expect(f.push('a < b and <b>bold</b> <th')).toBe('a < b and <b>bold</b> ');
    expect(f.push('ere')).toBe('<there');
    expect(f.flush()).toBe('');
  });

  it('releases a held-back possible tag start when it was plain text', () => {
    const f = new ThinkBlockFilter();
    expect(f.push('1 <')).toBe('1 ');
    expect(f.push(' 2')).toBe('< 2');
    expect(f.push(' a<thi')).toBe(' a');
    expect(f.flush()).toBe('<thi');
  });

  it('drops a block still open at the end, and does not hold a huge block in memory', () => {
    expect(run(['Before <think>never closed'])).toBe('Before ');
    const f = new ThinkBlockFilter();
    f.push('<think>');
    for (let i = 0; i < 100; i++) f.push('x'.repeat(4096));
    expect((f as unknown as { pending: string }).pending.length).toBeLessThanOrEqual(MAX_HELD_BLOCK_CHARS);
    expect(f.push('</think>after')).toBe('after');
  });
});
