import { randomBytes } from 'node:crypto';
import { decode } from 'jpeg-js';
import type { ScreenCapture } from './desktop.driver';
import { encodeScreenshot, resizeToRgba, ScreenshotEncoder } from './screenshot.encoder';

/** A BGRA capture: left half pure blue, right half pure red, rows padded by `pad` bytes. */
function halves(width: number, height: number, pad = 0): ScreenCapture {
  const stride = width * 4 + pad;
  const data = Buffer.alloc(stride * height, 0xee);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * stride + x * 4;
      const left = x < width / 2;
      data[i] = left ? 255 : 0; // B
      data[i + 1] = 0; // G
      data[i + 2] = left ? 0 : 255; // R
      data[i + 3] = 0; // X11 leaves alpha at 0
    }
  }
  return { width, height, stride, format: 'bgra', data };
}

function pixel(rgba: Uint8Array, width: number, x: number, y: number): number[] {
  const i = (y * width + x) * 4;
  return [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]];
}

describe('resizeToRgba', () => {
  it('swaps BGRA to RGBA, honours the stride and averages boxes', () => {
    const out = resizeToRgba(halves(8, 4, 12), 4, 2);
    expect(pixel(out, 4, 0, 0)).toEqual([0, 0, 255, 255]);
    expect(pixel(out, 4, 3, 1)).toEqual([255, 0, 0, 255]);
    const mixed = resizeToRgba(halves(2, 1), 1, 1);
    expect(pixel(mixed, 1, 0, 0)).toEqual([128, 0, 128, 255]);
  });

  it('keeps RGBA captures as they are', () => {
    const capture: ScreenCapture = { width: 1, height: 1, stride: 4, format: 'rgba', data: Buffer.from([1, 2, 3, 4]) };
    expect([...resizeToRgba(capture, 1, 1)]).toEqual([1, 2, 3, 255]);
  });
});

describe('encodeScreenshot', () => {
  // jpeg-js under Jest is slow, more so on a busy machine: generous, not a performance bound.
  jest.setTimeout(30_000);
  it('sends small screens at full size with the right colours', async () => {
    const shot = await encodeScreenshot(halves(320, 200));
    expect(shot).toMatchObject({ width: 320, height: 200, scaleX: 1, scaleY: 1 });
    const image = decode(shot.jpeg, { useTArray: true });
    expect([image.width, image.height]).toEqual([320, 200]);
    const [r, g, b] = pixel(image.data, 320, 80, 100);
    expect(b).toBeGreaterThan(200);
    expect(r + g).toBeLessThan(60);
    expect(pixel(image.data, 320, 240, 100)[0]).toBeGreaterThan(200);
  });

  it('downscales so the longest side fits', async () => {
    const shot = await encodeScreenshot(halves(800, 450), { maxSide: 640 });
    expect([shot.width, shot.height]).toEqual([640, 360]);
    expect(shot.scaleX).toBe(1.25);
    expect(shot.scaleY).toBe(1.25);
    const image = decode(shot.jpeg);
    expect([image.width, image.height]).toEqual([640, 360]);
  });

  it('lowers quality and size until the bytes fit the budget', async () => {
    // Noise compresses badly: at full size and quality it is far over a 20 KB budget.
    const width = 320;
    const height = 240;
    const noise: ScreenCapture = { width, height, stride: width * 4, format: 'bgra', data: randomBytes(width * height * 4) };
    const budget = 20 * 1024;
    const shot = await encodeScreenshot(noise, { budgetBytes: budget });
    expect(shot.jpeg.length).toBeLessThanOrEqual(budget);
    expect(shot.width).toBeLessThan(width);
    expect(shot.width / shot.height).toBeCloseTo(width / height, 1);
    expect(shot.scaleX).toBeCloseTo(width / shot.width, 5);
    const image = decode(shot.jpeg);
    expect([image.width, image.height]).toEqual([shot.width, shot.height]);
  });

  it('starts from the rung that fitted last time, so a similar screen costs one encode', async () => {
    const width = 240;
    const height = 180;
    const noise: ScreenCapture = { width, height, stride: width * 4, format: 'bgra', data: randomBytes(width * height * 4) };
    const encoder = new ScreenshotEncoder({ budgetBytes: 12 * 1024 });
    const first = await encoder.encode(noise);
    expect(first.encodes).toBeGreaterThan(1);
    const second = await encoder.encode(noise);
    expect(second.encodes).toBe(1);
    expect([second.width, second.quality, second.jpeg.length]).toEqual([first.width, first.quality, first.jpeg.length]);
    // A screen that compresses well lets it climb back one rung per step.
    const plain = await encoder.encode(halves(width, height));
    expect(plain.encodes).toBe(1);
    expect(plain.jpeg.length).toBeLessThan(12 * 1024 * 0.5);
    const better = await encoder.encode(halves(width, height));
    expect(better.width * 100 + better.quality).toBeGreaterThan(plain.width * 100 + plain.quality);
  });

  it('stops at a minimum size when the budget cannot be met', async () => {
    const shot = await encodeScreenshot(halves(320, 240), { budgetBytes: 1 });
    expect(shot.jpeg.length).toBeGreaterThan(1);
    expect(Math.max(shot.width, shot.height)).toBeGreaterThanOrEqual(160);
    expect(Math.max(shot.width, shot.height)).toBeLessThan(214);
  });

  it('rejects a buffer that does not match the size', async () => {
    await expect(encodeScreenshot({ width: 10, height: 10, stride: 40, format: 'bgra', data: Buffer.alloc(100) })).rejects.toThrow(/malformed screenshot/);
  });
});
