import { FrameQueueBudget } from './frame-queue.budget';

const frame = (input_type: string, data: unknown) => ({ action: 'stream_data', input_type, data });
const screen = (chars: number) => frame('screen', 'x'.repeat(chars));

describe('FrameQueueBudget', () => {
  it('bounds every stream frame: images go first, then audio, text last', () => {
    const b = new FrameQueueBudget(8, 1 << 20);
    for (let i = 0; i < 4; i++) expect(b.admit(screen(10))).toBeDefined();
    expect(b.admit(screen(10))).toBeUndefined(); // half the bound: no more images
    expect(b.admit(frame('audio', [1, 2]))).toBeDefined();
    expect(b.admit(frame('audio', [1, 2]))).toBeDefined();
    expect(b.admit(frame('audio', [1, 2]))).toBeUndefined(); // three quarters: no more audio
    expect(b.admit(frame('text', 'a'))).toBeDefined();
    expect(b.admit(frame('text', 'b'))).toBeDefined();
    expect(b.admit(frame('text', 'c'))).toBeUndefined(); // full
    expect(b.queuedFrames).toBe(8);
    expect(b.admit({ action: 'end_session' })).toBe(0); // control frames always pass
    expect(b.queuedFrames).toBe(8);
  });

  it('bounds the bytes of large screen frames, and frees them when handled', () => {
    const b = new FrameQueueBudget(500, 1000);
    const first = screen(200); // weight 464
    const w = b.admit(first);
    expect(w).toBe(464);
    expect(b.admit(screen(200))).toBeUndefined(); // 928 > 500 (image share)
    expect(b.admit(frame('text', 'x'.repeat(200)))).toBeDefined(); // 928 <= 1000
    b.release(w!, first);
    expect(b.queuedBytes).toBe(464);
    expect(b.queuedFrames).toBe(1);
  });

  it('an empty queue takes one frame larger than the image share', () => {
    const b = new FrameQueueBudget(500, 1000);
    expect(b.admit(screen(2000))).toBeDefined();
    expect(b.admit(screen(1))).toBeUndefined();
  });
});
