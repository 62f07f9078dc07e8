import { Blinker, Fader, normalizeEmotion } from './avatar.renderer';

describe('faces', () => {
  it('maps emotion words to the expressions we have, unknown ones to neutral', () => {
    expect(normalizeEmotion('Happy')).toBe('happy');
    expect(normalizeEmotion('sorrow')).toBe('sad');
    expect(normalizeEmotion('surprise')).toBe('surprised');
    expect(normalizeEmotion('bored')).toBe('neutral');
  });

  it('blinks now and then, briefly', () => {
    const blinker = new Blinker(() => 0.5);
    const weights = Array.from({ length: 600 }, () => blinker.update(1 / 60)); // ten seconds
    const closed = weights.filter((w) => w > 0.9).length;
    expect(closed).toBeGreaterThan(0);
    expect(closed).toBeLessThan(20);
  });

  it('fades an expression in, holds it, and fades it out', () => {
    const fader = new Fader(0.25, 0.5);
    fader.show(1);
    let weight = 0;
    for (let i = 0; i < 30; i++) weight = fader.update(1 / 60);
    expect(weight).toBe(1);
    for (let i = 0; i < 90; i++) weight = fader.update(1 / 60);
    expect(weight).toBe(0);
  });
});
