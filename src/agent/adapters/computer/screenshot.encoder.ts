/**
 * Screenshots for the vision model (spec §8.7): downscaled so the longest side fits, JPEG-encoded with
 * jpeg-js (pure JS, no native code) and shrunk step by step until the bytes fit the budget.
 */
import { encode } from 'jpeg-js';
import type { ScreenCapture } from './desktop.driver';

export interface ScreenshotEncodeOptions {
  /** Longest side of the sent image (default 1280). */
  readonly maxSide?: number;
  /** Upper bound of the JPEG bytes (default 350 KB). */
  readonly budgetBytes?: number;
}

export interface EncodedScreenshot {
  readonly jpeg: Buffer;
  /** Size of the sent image. */
  readonly width: number;
  readonly height: number;
  /** Captured pixels per sent pixel. */
  readonly scaleX: number;
  readonly scaleY: number;
}

export const SCREENSHOT_DEFAULTS = { maxSide: 1280, budgetBytes: 350 * 1024 } as const;

const QUALITIES = [75, 60, 45, 30] as const;
const SHRINK = 0.75;
const MIN_SIDE = 160;

/** Throws only on a malformed capture (wrong buffer size). */
export function encodeScreenshot(capture: ScreenCapture, options: ScreenshotEncodeOptions = {}): EncodedScreenshot {
  const maxSide = Math.max(MIN_SIDE, options.maxSide ?? SCREENSHOT_DEFAULTS.maxSide);
  const budget = Math.max(1, options.budgetBytes ?? SCREENSHOT_DEFAULTS.budgetBytes);
  const { width, height, stride } = capture;
  if (width <= 0 || height <= 0 || stride < width * 4 || capture.data.length < stride * (height - 1) + width * 4) {
    throw new Error(`malformed screenshot ${width}x${height} (stride ${stride}, ${capture.data.length} bytes)`);
  }
  let scale = Math.min(1, maxSide / Math.max(width, height));
  for (;;) {
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const rgba = resizeToRgba(capture, w, h);
    let smallest: EncodedScreenshot | undefined;
    for (const quality of QUALITIES) {
      const jpeg = encode({ data: rgba, width: w, height: h }, quality).data;
      const result = { jpeg, width: w, height: h, scaleX: width / w, scaleY: height / h };
      if (jpeg.length <= budget) return result;
      smallest = result;
    }
    // The smallest we are willing to send, even over budget.
    if (smallest && Math.max(w, h) * SHRINK < MIN_SIDE) return smallest;
    scale *= SHRINK;
  }
}

/** Box-filter downscale (or copy) of BGRA/RGBA rows into a packed RGBA buffer. */
export function resizeToRgba(capture: ScreenCapture, w: number, h: number): Buffer {
  const { width, height, stride, data } = capture;
  const swap = capture.format === 'bgra';
  const out = Buffer.alloc(w * h * 4);
  const sx = width / w;
  const sy = height / h;
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.min(height, Math.floor((y + 1) * sy)));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.min(width, Math.floor((x + 1) * sx)));
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      for (let yy = y0; yy < y1; yy++) {
        let i = yy * stride + x0 * 4;
        for (let xx = x0; xx < x1; xx++, i += 4) {
          c0 += data[i];
          c1 += data[i + 1];
          c2 += data[i + 2];
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (y * w + x) * 4;
      out[o] = Math.round((swap ? c2 : c0) / n);
      out[o + 1] = Math.round(c1 / n);
      out[o + 2] = Math.round((swap ? c0 : c2) / n);
      out[o + 3] = 255;
    }
  }
  return out;
}
