/**
 * Screenshots for the vision model (spec §8.7): downscaled so the longest side fits, JPEG-encoded with
 * jpeg-js (pure JS, no native code) and made smaller rung by rung (quality, then size) until the bytes
 * fit the budget. One encode blocks the event loop for 0.1–0.3 s (jpeg-js is synchronous), so a
 * ScreenshotEncoder starts from the rung that fitted last time (one encode per step while the screen
 * stays alike) and yields to the event loop between encodes.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { encode } from 'jpeg-js';
import type { ScreenCapture } from './desktop.driver';

export interface ScreenshotEncodeOptions {
  /** Longest side of the sent image (default 1280, 160..4096). */
  readonly maxSide?: number;
  /** Upper bound of the JPEG bytes (default 350 KB, at most 8 MB). */
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
  readonly quality: number;
  /** JPEG encodes this screenshot took (for logs and tests). */
  readonly encodes: number;
}

export const SCREENSHOT_DEFAULTS = { maxSide: 1280, budgetBytes: 350 * 1024 } as const;

const QUALITIES = [75, 60, 45, 30] as const;
const SHRINK = 0.75;
const MIN_SIDE = 160;
const MAX_SIDE = 4096;
const MAX_BUDGET = 8 * 1024 * 1024;
/** A first-try result this far under budget lets the next screenshot try one rung better. */
const HEADROOM = 0.5;

/** Remembers the last rung (size × quality) that fitted; one instance per task. */
export class ScreenshotEncoder {
  private readonly maxSide: number;
  private readonly budget: number;
  private rung = 0;

  constructor(options: ScreenshotEncodeOptions = {}) {
    this.maxSide = Math.min(MAX_SIDE, Math.max(MIN_SIDE, options.maxSide ?? SCREENSHOT_DEFAULTS.maxSide));
    this.budget = Math.min(MAX_BUDGET, Math.max(1, options.budgetBytes ?? SCREENSHOT_DEFAULTS.budgetBytes));
  }

  /** Rejects only on a malformed capture (wrong buffer size). */
  async encode(capture: ScreenCapture): Promise<EncodedScreenshot> {
    const { width, height, stride } = capture;
    if (width <= 0 || height <= 0 || stride < width * 4 || capture.data.length < stride * (height - 1) + width * 4) {
      throw new Error(`malformed screenshot ${width}x${height} (stride ${stride}, ${capture.data.length} bytes)`);
    }
    const fit = Math.min(1, this.maxSide / Math.max(width, height));
    // The smallest size worth sending; below it we send over budget rather than a useless thumbnail.
    const lastSize = Math.max(0, Math.floor(Math.log(MIN_SIDE / (Math.max(width, height) * fit)) / Math.log(SHRINK)));
    const lastRung = (lastSize + 1) * QUALITIES.length - 1;
    let rgba: { size: number; data: Buffer; w: number; h: number } | undefined;
    let encodes = 0;
    for (let rung = Math.min(this.rung, lastRung); ; rung++) {
      const size = Math.floor(rung / QUALITIES.length);
      const quality = QUALITIES[rung % QUALITIES.length];
      if (encodes > 0) await nextTurn();
      if (rgba?.size !== size) {
        const scale = fit * SHRINK ** size;
        const w = Math.max(1, Math.round(width * scale));
        const h = Math.max(1, Math.round(height * scale));
        rgba = { size, data: resizeToRgba(capture, w, h), w, h };
      }
      const jpeg = encode({ data: rgba.data, width: rgba.w, height: rgba.h }, quality).data;
      encodes++;
      if (jpeg.length <= this.budget || rung >= lastRung) {
        // Promote only on a first try: after a failed better rung, promoting again would alternate.
        this.rung = encodes === 1 && jpeg.length <= this.budget * HEADROOM ? Math.max(0, rung - 1) : rung;
        return { jpeg, width: rgba.w, height: rgba.h, scaleX: width / rgba.w, scaleY: height / rgba.h, quality, encodes };
      }
    }
  }
}

/** One screenshot without memory (first rung first). */
export function encodeScreenshot(capture: ScreenCapture, options: ScreenshotEncodeOptions = {}): Promise<EncodedScreenshot> {
  return new ScreenshotEncoder(options).encode(capture);
}

/** Box-filter downscale (or plain copy) of BGRA/RGBA rows into a packed RGBA buffer. */
export function resizeToRgba(capture: ScreenCapture, w: number, h: number): Buffer {
  const { width, height, stride, data } = capture;
  const swap = capture.format === 'bgra';
  const out = Buffer.alloc(w * h * 4);
  const [r, b] = swap ? [2, 0] : [0, 2];
  if (w === width && h === height) {
    for (let y = 0; y < h; y++) {
      for (let x = 0, i = y * stride, o = y * w * 4; x < w; x++, i += 4, o += 4) {
        out[o] = data[i + r];
        out[o + 1] = data[i + 1];
        out[o + 2] = data[i + b];
        out[o + 3] = 255;
      }
    }
    return out;
  }
  // Column boxes once per image, not once per pixel; integer rounding keeps the inner loop cheap.
  const xs = new Int32Array(w + 1);
  for (let x = 0; x <= w; x++) xs[x] = Math.min(width, Math.floor((x * width) / w));
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * height) / h);
    const y1 = Math.max(y0 + 1, Math.min(height, Math.floor(((y + 1) * height) / h)));
    for (let x = 0, o = y * w * 4; x < w; x++, o += 4) {
      const x0 = xs[x];
      const x1 = Math.max(x0 + 1, xs[x + 1]);
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0, i = yy * stride + x0 * 4; xx < x1; xx++, i += 4) {
          c0 += data[i];
          c1 += data[i + 1];
          c2 += data[i + 2];
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const half = n >> 1;
      out[o + r] = ((c0 + half) / n) | 0;
      out[o + 1] = ((c1 + half) / n) | 0;
      out[o + b] = ((c2 + half) / n) | 0;
      out[o + 3] = 255;
    }
  }
  return out;
}
