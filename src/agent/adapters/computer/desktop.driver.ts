/**
 * The desktop the computer-use channel drives: screen size, screenshots, mouse and keyboard.
 * The real one is @jitsi/robotjs (a native addon, marked external by the bundler), loaded lazily so
 * an agent server without a desktop still starts and only reports AGENT_PYAUTOGUI_NOT_INSTALLED.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { CHANNEL_REASON } from '../agent-channel.port';

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
  /** Why `text` cannot be typed on this platform, or undefined. */
  cannotType(text: string): string | undefined;
  /** Throws when the text cannot be typed (see cannotType). */
  typeText(text: string): void;
  /** `key` and `modifiers` are robotjs names (see computer-action.parser KEY_NAMES). */
  keyTap(key: string, modifiers: readonly string[]): void;
  /** Wheel clicks; positive dy scrolls down, positive dx right. */
  scroll(dx: number, dy: number): void;
  /** Rejects with DisplayLostError when the display stopped answering (checked before every step). */
  check(): Promise<void>;
}

/**
 * The display went away. `final`: robotjs had already opened its (never re-opened) mouse/keyboard
 * connection, and touching that dead connection again would make Xlib end the process, so this driver
 * must never be used or reloaded in this process.
 */
export class DisplayLostError extends Error {
  constructor(
    message: string,
    readonly final: boolean,
  ) {
    super(message);
    this.name = 'DisplayLostError';
  }
}

export interface DriverLoad {
  readonly driver?: DesktopDriver;
  /** AGENT_PYAUTOGUI_NOT_INSTALLED when the desktop cannot be driven. */
  readonly reason?: string;
  /** Why, for people (logs, problems of describe()). */
  readonly message?: string;
}

const PROBE_TIMEOUT_MS = 5_000;
const CHECK_TIMEOUT_MS = 2_000;

/**
 * robotjs keeps one X connection per process (not per driver): once it was opened, a lost display
 * can never be driven again by this process (see DisplayLostError).
 */
const robotX = { opened: false, finalLoss: undefined as string | undefined };

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
export async function loadRobotDriver(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Promise<DriverLoad> {
  let modulePath: string;
  try {
    modulePath = require.resolve('@jitsi/robotjs');
  } catch {
    return unavailable('@jitsi/robotjs is not installed');
  }
  const display = env.DISPLAY ?? '';
  if (platform === 'linux') {
    if (robotX.finalLoss) return unavailable(`${robotX.finalLoss}; restart the agent server to use a new X server`);
    if (!display) return unavailable('DISPLAY is not set (no X server to drive)');
    const socket = localSocket(display);
    if (socket && !existsSync(socket)) return unavailable(`no X server socket for DISPLAY ${display}`);
    const problem = await probeDisplay(modulePath, env);
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
  return { driver: robotDriver(robot, platform, platform === 'linux' ? { display, socket: localSocket(display), env } : undefined) };
}

/** The unix socket of a local display such as `:99` or `:99.0`. */
function localSocket(display: string): string | undefined {
  const local = /^:(\d+)(\.\d+)?$/.exec(display);
  return local ? `/tmp/.X11-unix/X${local[1]}` : undefined;
}

function unavailable(message: string): DriverLoad {
  return { reason: CHANNEL_REASON.desktopNotAvailable, message };
}

/**
 * Runs getScreenSize in a throw-away process (asynchronously: a display that does not answer must not
 * stall the event loop); undefined when the display answered. The child is killed at the time limit.
 */
function probeDisplay(modulePath: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const script = 'const r=require(process.argv[1]);r.setXDisplayName(process.env.DISPLAY);const s=r.getScreenSize();process.stdout.write(s.width+"x"+s.height)';
  return new Promise((resolve) => {
    const options = { env, timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL' as const, maxBuffer: 4096, encoding: 'utf8' as const };
    const child = execFile(process.execPath, ['-e', script, modulePath], options, (err, stdout) => {
      if (!err && /^\d+x\d+$/.test(stdout)) return resolve(undefined);
      const why = !err ? `unexpected answer ${JSON.stringify(stdout.slice(0, 40))}` : err.killed ? `no answer within ${PROBE_TIMEOUT_MS} ms` : err.signal ? `signal ${err.signal}` : `exit ${String(err.code)}`;
      resolve(`cannot open X display ${env.DISPLAY} (${why})`);
    });
    child.stdin?.end();
  });
}

/** Resolves when something accepts connections on the X server's socket. */
function socketAnswers(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    const done = (err?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(new Error(`the X server does not answer (${err.message})`));
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    socket.once('connect', () => done());
    socket.once('error', done);
  });
}

interface X11Target {
  readonly display: string;
  readonly socket: string | undefined;
  readonly env: NodeJS.ProcessEnv;
}

function robotDriver(robot: RobotNative, platform: NodeJS.Platform, x11: X11Target | undefined): DesktopDriver {
  // robotjs' X11 path truncates code points to one byte: typing anything else would produce garbage.
  const cannotType = (text: string) => (platform === 'linux' && /[^\x20-\x7e\n\t]/.test(text) ? 'only ASCII text can be typed on X11' : undefined);
  // Xlib ends the process on a lost connection, and robotjs' screenshot dereferences a failed
  // XOpenDisplay (unset or changed DISPLAY): refuse the call instead (cheap, best effort, every call).
  let lost: DisplayLostError | undefined;
  const fail = (message: string): never => {
    lost ??= new DisplayLostError(message, robotX.opened);
    if (lost.final) robotX.finalLoss ??= message;
    throw lost;
  };
  const ensure = () => {
    if (lost) throw lost;
    if (!x11) return;
    if (x11.env.DISPLAY !== x11.display) fail(`DISPLAY changed from ${x11.display} to ${x11.env.DISPLAY ?? '(unset)'}`);
    if (x11.socket && !existsSync(x11.socket)) fail('the X server is gone');
  };
  const guarded = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A): R => {
    ensure();
    return fn(...args);
  };
  /** Screen size, mouse and keyboard calls open robotjs' lasting connection on first use. */
  const connected = <A extends unknown[], R>(fn: (...args: A) => R) =>
    guarded((...args: A): R => {
      if (x11) robotX.opened = true;
      return fn(...args);
    });
  return {
    screenSize: connected(() => robot.getScreenSize()),
    capture: guarded(() => {
      const shot = robot.captureScreen();
      if (shot.bytesPerPixel !== 4) throw new Error(`unsupported screenshot format (${shot.bytesPerPixel} bytes per pixel)`);
      return { width: shot.width, height: shot.height, stride: shot.byteWidth, format: 'bgra', data: shot.image };
    }),
    moveMouse: connected((x: number, y: number) => robot.moveMouse(x, y)),
    click: connected((button: MouseButton, double = false) => robot.mouseClick(button, double)),
    drag: connected((x1: number, y1: number, x2: number, y2: number) => {
      robot.moveMouse(x1, y1);
      robot.mouseToggle('down', 'left');
      try {
        robot.dragMouse(x2, y2);
      } finally {
        robot.mouseToggle('up', 'left');
      }
    }),
    cannotType,
    typeText: connected((text: string) => {
      const problem = cannotType(text);
      if (problem) throw new Error(problem);
      if (platform === 'linux') typeOnX11(robot, text);
      else robot.typeString(text);
    }),
    keyTap: connected((key: string, modifiers: readonly string[]) => (modifiers.length ? robot.keyTap(key, [...modifiers]) : robot.keyTap(key))),
    // robotjs: positive y = up everywhere; the sign of x differs per platform (X11: negative = right),
    // so horizontal scrolling is only sent where it was verified.
    scroll: connected((dx: number, dy: number) => robot.scrollMouse(platform === 'linux' ? -dx : 0, -dy)),
    check: async () => {
      ensure();
      if (x11?.socket) await socketAnswers(x11.socket).catch((err: Error) => fail(err.message));
    },
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
