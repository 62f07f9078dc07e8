import { mouthTarget, smoothMouth } from './lip-sync';

describe('lip sync', () => {
  it('keeps the mouth shut in silence and opens it with loudness', () => {
    expect(mouthTarget(0)).toBe(0);
    expect(mouthTarget(0.005)).toBe(0);
    expect(mouthTarget(0.05)).toBeGreaterThan(0.3);
    expect(mouthTarget(0.5)).toBe(1);
  });

  it('opens faster than it closes, and closes fully', () => {
    const opened = smoothMouth(0, 1, 1 / 60);
    const closed = 1 - smoothMouth(1, 0, 1 / 60);
    expect(opened).toBeGreaterThan(closed);
    let mouth = 1;
    for (let i = 0; i < 60; i++) mouth = smoothMouth(mouth, 0, 1 / 60);
    expect(mouth).toBe(0);
  });
});
