import { frameWeight, PendingFrames } from './pending-frames.store';

const audio = (n: number) => ({ action: 'stream_data', input_type: 'audio', data: new Array(n).fill(0) });
const text = (t: string) => ({ action: 'stream_data', input_type: 'text', data: t });

describe('PendingFrames', () => {
  it('replays in arrival order', () => {
    const p = new PendingFrames();
    p.push(text('a'));
    p.push(audio(4));
    p.push(text('b'));
    expect([p.shift(), p.shift(), p.shift(), p.shift()]).toEqual([text('a'), audio(4), text('b'), undefined]);
  });

  it('over the frame bound drops the oldest audio frame first, keeping text', () => {
    const p = new PendingFrames(3, 1 << 20);
    p.push(text('first'));
    p.push(audio(1));
    p.push(audio(2));
    p.push(text('second'));
    expect(p.size).toBe(3);
    expect(p.dropped).toBe(1);
    expect([p.shift(), p.shift(), p.shift()]).toEqual([text('first'), audio(2), text('second')]);
  });

  it('over the byte bound drops until it fits; a frame larger than the bound is refused', () => {
    const limit = frameWeight(audio(100)) * 2;
    const p = new PendingFrames(1000, limit);
    p.push(audio(100));
    p.push(audio(100));
    p.push(audio(100));
    expect(p.size).toBe(2);
    p.push(audio(10_000));
    expect(p.size).toBe(2);
    expect(p.dropped).toBe(2);
    p.clear();
    expect(p.size).toBe(0);
    expect(p.dropped).toBe(0);
  });

  it('with only text frames drops the oldest text', () => {
    const p = new PendingFrames(2, 1 << 20);
    p.push(text('1'));
    p.push(text('2'));
    p.push(text('3'));
    expect([p.shift(), p.shift()]).toEqual([text('2'), text('3')]);
  });
});
