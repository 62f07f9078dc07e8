/**
 * Runs one parsed computer-use action on the desktop. Coordinates arrive normalised (0..999 of the
 * screenshot) and become the screen's logical pixels, the ones mouse events use. The screenshot covers
 * the same area as that screen whatever its pixel density (HiDPI captures at 2×) and however much we
 * downscaled it, so the fraction alone decides the pixel; captureMismatch() checks that premise.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { abortedError, sleep } from '../../llm/abort.util';
import { COMPUTER_LIMITS, toPixel, type ComputerAction } from './computer-action.parser';
import type { DesktopDriver } from './desktop.driver';

export type PixelMap = (x: number, y: number) => [number, number];

/** Typed text goes out in pieces so a cancel stops it and the event loop keeps turning. */
const TYPE_CHUNK = 40;
/** Aspect ratios of capture and screen may differ this much (rounding, odd sizes). */
const ASPECT_TOLERANCE = 0.02;

export function pixelMap(screen: { width: number; height: number }): PixelMap {
  return (x, y) => [toPixel(x, screen.width), toPixel(y, screen.height)];
}

/**
 * Why the capture cannot be mapped onto the mouse screen (it shows a different area, e.g. all monitors
 * while the mouse space is the primary one), or undefined.
 */
export function captureMismatch(capture: { width: number; height: number }, screen: { width: number; height: number }): string | undefined {
  if (screen.width <= 0 || screen.height <= 0) return `the screen size ${screen.width}x${screen.height} is unusable`;
  const ratio = capture.width / capture.height / (screen.width / screen.height);
  if (Math.abs(ratio - 1) <= ASPECT_TOLERANCE) return undefined;
  return `the screenshot (${capture.width}x${capture.height}) does not show the mouse's screen (${screen.width}x${screen.height})`;
}

/** Throws on a failed action; rejects with the aborted error when `signal` fires during a wait or typing. */
export async function performAction(driver: DesktopDriver, action: ComputerAction, px: PixelMap, signal: AbortSignal): Promise<void> {
  switch (action.type) {
    case 'click':
      driver.moveMouse(...px(action.x, action.y));
      driver.click(action.button, action.double);
      return;
    case 'move':
      driver.moveMouse(...px(action.x, action.y));
      return;
    case 'drag':
      driver.drag(...px(action.x1, action.y1), ...px(action.x2, action.y2));
      return;
    case 'type':
      return typeInPieces(driver, action.text, signal);
    case 'key':
      driver.keyTap(action.key, action.modifiers);
      return;
    case 'scroll': {
      if (action.x !== undefined && action.y !== undefined) driver.moveMouse(...px(action.x, action.y));
      const n = action.amount;
      const [dx, dy] = action.direction === 'up' ? [0, -n] : action.direction === 'down' ? [0, n] : action.direction === 'left' ? [-n, 0] : [n, 0];
      driver.scroll(dx, dy);
      return;
    }
    case 'wait':
      return sleep(Math.min(action.seconds, COMPUTER_LIMITS.maxWaitSeconds) * 1000, signal);
  }
}

async function typeInPieces(driver: DesktopDriver, text: string, signal: AbortSignal): Promise<void> {
  // All or nothing: refuse before typing half of it.
  const problem = driver.cannotType(text);
  if (problem) throw new Error(problem);
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += TYPE_CHUNK) {
    if (i > 0) await nextTurn();
    if (signal.aborted) throw abortedError();
    driver.typeText(chars.slice(i, i + TYPE_CHUNK).join(''));
  }
}
