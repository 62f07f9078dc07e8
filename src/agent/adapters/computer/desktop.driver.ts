/**
 * The desktop the computer-use channel drives: screen size, screenshots, mouse and keyboard.
 * The real one is @jitsi/robotjs (a native addon, marked external by the bundler), loaded lazily so
 * an agent server without a desktop still starts and only reports AGENT_PYAUTOGUI_NOT_INSTALLED.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export type MouseButton = 'left' | 'right' | 'middle';

/** Raw pixels, 4 bytes per pixel, `stride` bytes per row. */
export interface ScreenCapture {
  readonly width: number;
  readonly height: number;
  readonly stride: number;
  readonly format: 'bgra' | 'rgba';
  readonly data: Buffer;
}

/** Coordinates are the screen's logical pixels (the ones mouse events use). */
export interface DesktopDriver {
  screenSize(): { width: number; height: number };
  capture(): ScreenCapture;
  moveMouse(x: number, y: number): void;
  click(button: MouseButton, double?: boolean): void;
  drag(x1: number, y1: number, x2: number, y2: number): void;
  /** Throws when the text cannot be typed on this platform. */
  typeText(text: string): void;
  /** `key` and `modifiers` are robotjs names (see computer-action.parser KEY_NAMES). */
  keyTap(key: string, modifiers: readonly string[]): void;
  /** Wheel clicks; positive dy scrolls down, positive dx right. */
  scroll(dx: number, dy: number): void;
}

export interface DriverLoad {
  readonly driver?: DesktopDriver;
  /** AGENT_PYAUTOGUI_NOT_INSTALLED when the desktop cannot be driven. */
  readonly reason?: string;
  /** Why, for people (logs, problems of describe()). */
  readonly message?: string;
}

export const DRIVER_UNAVAILABLE = 'AGENT_PYAUTOGUI_NOT_INSTALLED';
const PROBE_TIMEOUT_MS = 5_000;

/** The part of the native module we call (its JS wrapper `screen.capture` leaks a global, so we skip it). */
interface RobotNative {
  getScreenSize(): { width: number; height: number };
  captureScreen(): { width: number; height: number; byteWidth: number; bytesPerPixel: number; image: Buffer };
  moveMouse(x: number, y: number): void;
  mouseClick(button?: string, double?: boolean): void;
  mouseToggle(down?: string, button?: string): void;
  dragMouse(x: number, y: number): void;
  typeString(text: string): void;
  keyTap(key: string, modifier?: string | string[]): void;
  scrollMouse(x: number, y: number): void;
  setXDisplayName?(name: string): void;
}

/**
 * Loads robotjs and checks the display. On Linux DISPLAY must name a reachable X server: robotjs
 * crashes the whole process (SIGSEGV) on a display it cannot open, so a child process probes it first.
 * robotjs' X behaviour: mouse/keyboard open one connection on first use and keep it (they try the
 * name set by setXDisplayName, default ":0.0", before $DISPLAY — so we pin it to `env.DISPLAY`);
 * captureScreen opens a new connection per call from the C environment's DISPLAY (getenv), so
 * `env` must be the real process environment. A lost connection makes Xlib exit the process.
 */
export function loadRobotDriver(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): DriverLoad {
  let modulePath: string;
  try {
    modulePath = require.resolve('@jitsi/robotjs');
  } catch {
    return unavailable('@jitsi/robotjs is not installed');
  }
  const display = env.DISPLAY ?? '';
  if (platform === 'linux') {
    if (!display) return unavailable('DISPLAY is not set (no X server to drive)');
    const socket = localSocket(display);
    if (socket && !existsSync(socket)) return unavailable(`no X server socket for DISPLAY ${display}`);
    const problem = probeDisplay(modulePath, env);
    if (problem) return unavailable(problem);
  }
  let robot: RobotNative;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    robot = require('@jitsi/robotjs') as RobotNative;
  } catch (err) {
    return unavailable(`@jitsi/robotjs failed to load: ${err instanceof Error ? err.message : String(err)}`);
  }
  // robotjs tries ":0.0" before $DISPLAY for mouse/keyboard, while screenshots use $DISPLAY: pin both.
  if (platform === 'linux') robot.setXDisplayName?.(display);
  const socket = platform === 'linux' ? localSocket(display) : undefined;
  return { driver: robotDriver(robot, platform, socket) };
}

/** The unix socket of a local display such as `:99` or `:99.0`. */
function localSocket(display: string): string | undefined {
  const local = /^:(\d+)(\.\d+)?$/.exec(display);
  return local ? `/tmp/.X11-unix/X${local[1]}` : undefined;
}

function unavailable(message: string): DriverLoad {
  return { reason: DRIVER_UNAVAILABLE, message };
}

/** Runs getScreenSize in a throw-away process; undefined when the display answered. */
function probeDisplay(modulePath: string, env: NodeJS.ProcessEnv): string | undefined {
  const script = 'const r=require(process.argv[1]);r.setXDisplayName(process.env.DISPLAY);const s=r.getScreenSize();process.stdout.write(s.width+"x"+s.height)';
  const out = spawnSync(process.execPath, ['-e', script, modulePath], { env, timeout: PROBE_TIMEOUT_MS, encoding: 'utf8' });
  if (out.status === 0 && /^\d+x\d+$/.test(out.stdout)) return undefined;
  const why = out.error?.message ?? (out.signal ? `signal ${out.signal}` : `exit ${out.status}`);
  return `cannot open X display ${env.DISPLAY} (${why})`;
}

function robotDriver(robot: RobotNative, platform: NodeJS.Platform, socket: string | undefined): DesktopDriver {
  // A vanished X server would crash robotjs: fail the step instead (cheap, best effort).
  const ensure = () => {
    if (socket && !existsSync(socket)) throw new Error('the X server is gone');
  };
  return {
    screenSize: () => {
      ensure();
      return robot.getScreenSize();
    },
    capture: () => {
      ensure();
      const shot = robot.captureScreen();
      if (shot.bytesPerPixel !== 4) throw new Error(`unsupported screenshot format (${shot.bytesPerPixel} bytes per pixel)`);
      return { width: shot.width, height: shot.height, stride: shot.byteWidth, format: 'bgra', data: shot.image };
    },
    moveMouse: (x, y) => robot.moveMouse(x, y),
    click: (button, double = false) => robot.mouseClick(button, double),
    drag: (x1, y1, x2, y2) => {
      robot.moveMouse(x1, y1);
      robot.mouseToggle('down', 'left');
      try {
        robot.dragMouse(x2, y2);
      } finally {
        robot.mouseToggle('up', 'left');
      }
    },
    typeText: (text) => {
      // robotjs' X11 path truncates code points to one byte: typing anything else would produce garbage.
      if (platform !== 'linux') return robot.typeString(text);
      if (/[^\x20-\x7e\n\t]/.test(text)) throw new Error('only ASCII text can be typed on X11');
      typeOnX11(robot, text);
    },
    keyTap: (key, modifiers) => (modifiers.length ? robot.keyTap(key, [...modifiers]) : robot.keyTap(key)),
    // robotjs: positive y = up everywhere; the sign of x differs per platform (X11: negative = right).
    scroll: (dx, dy) => robot.scrollMouse(platform === 'linux' ? -dx : 0, -dy),
  };
}

/** US-layout base keys of the shifted symbols, which robotjs' X11 typeString sends without Shift. */
const X11_SHIFTED: Readonly<Record<string, string>> = Object.fromEntries(
  [...'~!@#$%^&*()_+{}|:"<>?'].map((c, i) => [c, "`1234567890-=[]\\;',./"[i]]),
);

function typeOnX11(robot: RobotNative, text: string): void {
  let run = '';
  for (const char of text) {
    const base = X11_SHIFTED[char];
    const named = char === '\n' ? 'enter' : char === '\t' ? 'tab' : undefined;
    if (base === undefined && named === undefined) {
      run += char;
      continue;
    }
    if (run) robot.typeString(run);
    run = '';
    if (named) robot.keyTap(named);
    else robot.keyTap(base, 'shift');
  }
  if (run) robot.typeString(run);
}
