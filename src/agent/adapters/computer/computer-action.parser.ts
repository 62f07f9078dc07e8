/**
 * Reads the vision model's reply for one computer-use step (format in computer-use.prompts.ts):
 * `{"thought", "actions": [...], "done"?: {"success", "result"}}`. Tolerant of what models do in
 * practice (a single action object, numbers as strings, `ctrl+c` keys); bounded in count and size.
 */
import { isPlainObject } from '../../../shared/data/json-edit';
import type { MouseButton } from './desktop.driver';

export const COMPUTER_LIMITS = { maxActions: 5, maxText: 2000, maxThought: 1000, maxResult: 1500, maxWaitSeconds: 5, maxScroll: 20 } as const;

/** Coordinates are normalised: 0 = left/top edge, 999 = right/bottom edge. */
export type ComputerAction =
  | { type: 'click'; x: number; y: number; button: MouseButton; double: boolean }
  | { type: 'move'; x: number; y: number }
  | { type: 'drag'; x1: number; y1: number; x2: number; y2: number }
  | { type: 'type'; text: string }
  | { type: 'key'; key: string; modifiers: string[] }
  | { type: 'scroll'; direction: 'up' | 'down' | 'left' | 'right'; amount: number; x?: number; y?: number }
  | { type: 'wait'; seconds: number };

export interface ComputerStep {
  thought: string;
  actions: ComputerAction[];
  done?: { success: boolean; result: string };
  /** Actions that were dropped and why (fed back to the model as notes). */
  problems: string[];
}

/** Model key names → robotjs names. Single printable characters pass through. */
const KEY_NAMES: Readonly<Record<string, string>> = {
  enter: 'enter', return: 'enter', tab: 'tab', space: 'space', backspace: 'backspace',
  delete: 'delete', del: 'delete', escape: 'escape', esc: 'escape', insert: 'insert',
  up: 'up', down: 'down', left: 'left', right: 'right',
  arrowup: 'up', arrowdown: 'down', arrowleft: 'left', arrowright: 'right',
  home: 'home', end: 'end', pageup: 'pageup', pagedown: 'pagedown', pgup: 'pageup', pgdn: 'pagedown',
  ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i + 1}`, `f${i + 1}`])),
};
const MODIFIERS: Readonly<Record<string, string>> = {
  ctrl: 'control', control: 'control', shift: 'shift', alt: 'alt', option: 'alt',
  cmd: 'command', command: 'command', meta: 'command', super: 'command', win: 'command',
};

/**
 * Combinations that would lock the screen, log out, kill the X server or switch to a text console:
 * the task could not continue (and the user would find the desktop locked), so they are refused.
 * Single keys are harmless. `command` is robotjs' name for Super/Windows on Linux and Windows.
 */
function refusedCombo(key: string, modifiers: readonly string[], platform: NodeJS.Platform): string | undefined {
  const has = (...names: string[]) => names.every((n) => modifiers.includes(n));
  const combo = [...modifiers, key].join('+');
  const refused =
    // ctrl+alt+l locks the screen on XFCE, Cinnamon and KDE.
    (has('control', 'alt') && (key === 'delete' || key === 'backspace' || key === 'l' || /^f\d+$/.test(key))) ||
    (platform === 'darwin' ? key === 'q' && (has('control', 'command') || has('shift', 'command')) : key === 'l' && has('command'));
  return refused ? `key ${combo} is refused (it would lock, log out or leave the desktop)` : undefined;
}

/** A normalised coordinate (0..999) → a pixel of a `size`-pixel axis. */
export function toPixel(normalised: number, size: number): number {
  return Math.round((Math.min(999, Math.max(0, normalised)) / 999) * Math.max(0, size - 1));
}

/** The step, or why the reply is unusable (no actions and not done, or not an object at all). */
export function parseComputerStep(reply: unknown, platform: NodeJS.Platform = process.platform): ComputerStep | { error: string } {
  const value = typeof reply === 'string' ? tryJson(reply) : reply;
  if (!isPlainObject(value)) return { error: 'the reply is not a JSON object' };
  const problems: string[] = [];
  let raw: unknown[] = [];
  if (Array.isArray(value.actions)) raw = value.actions;
  else if (isPlainObject(value.actions)) raw = [value.actions];
  else if (isPlainObject(value.action)) raw = [value.action];
  else if (typeof value.type === 'string') raw = [value];
  if (raw.length > COMPUTER_LIMITS.maxActions) {
    problems.push(`only the first ${COMPUTER_LIMITS.maxActions} actions were run`);
    raw = raw.slice(0, COMPUTER_LIMITS.maxActions);
  }
  const actions: ComputerAction[] = [];
  for (const item of raw) {
    const parsed = parseAction(item, platform);
    if (typeof parsed === 'string') problems.push(parsed);
    else actions.push(parsed);
  }
  const done = parseDone(value.done);
  const thought = typeof value.thought === 'string' ? value.thought.slice(0, COMPUTER_LIMITS.maxThought) : '';
  if (actions.length === 0 && !done) {
    return { error: problems.length ? `no usable action (${problems.join('; ')})` : 'no actions and not done' };
  }
  return { thought, actions, ...(done ? { done } : {}), problems };
}

function parseAction(item: unknown, platform: NodeJS.Platform): ComputerAction | string {
  if (!isPlainObject(item)) return 'an action is not an object';
  const type = typeof item.type === 'string' ? item.type.toLowerCase() : '';
  if ([item.x, item.y, item.x1, item.y1, item.x2, item.y2, ...pair(item)].some(outOfRange)) return `${type.slice(0, 20)}: ${OUT_OF_RANGE}`;
  const point = coordinates(item);
  switch (type) {
    case 'click':
    case 'double_click':
    case 'right_click': {
      if (!point) return `${type} needs x and y`;
      const button = type === 'right_click' ? 'right' : item.button === 'right' || item.button === 'middle' ? item.button : 'left';
      const double = type === 'double_click' || item.double === true || item.double === 'true';
      return { type: 'click', ...point, button, double };
    }
    case 'move':
      return point ? { type: 'move', ...point } : 'move needs x and y';
    case 'drag': {
      const [x1, y1, x2, y2] = [item.x1, item.y1, item.x2, item.y2].map(coordinate);
      if (x1 === undefined || y1 === undefined || x2 === undefined || y2 === undefined) return 'drag needs x1, y1, x2 and y2';
      return { type: 'drag', x1, y1, x2, y2 };
    }
    case 'type': {
      const text = typeof item.text === 'string' ? item.text : typeof item.text === 'number' ? String(item.text) : '';
      if (!text) return 'type needs text';
      return { type: 'type', text: text.slice(0, COMPUTER_LIMITS.maxText) };
    }
    case 'key':
    case 'hotkey':
      return parseKey(item, platform);
    case 'scroll': {
      const direction = typeof item.direction === 'string' ? item.direction.toLowerCase() : 'down';
      if (direction !== 'up' && direction !== 'down' && direction !== 'left' && direction !== 'right') return `unknown scroll direction ${direction}`;
      const amount = Math.round(Math.min(COMPUTER_LIMITS.maxScroll, Math.max(1, num(item.amount) ?? 5)));
      return { type: 'scroll', direction, amount, ...(point ?? {}) };
    }
    case 'wait': {
      const seconds = Math.min(COMPUTER_LIMITS.maxWaitSeconds, Math.max(0, num(item.seconds) ?? 1));
      return { type: 'wait', seconds };
    }
    default:
      return `unknown action type "${type.slice(0, 40)}"`;
  }
}

function parseKey(item: Record<string, unknown>, platform: NodeJS.Platform): ComputerAction | string {
  const keys = Array.isArray(item.keys) ? item.keys.slice(0, MAX_COMBO) : [];
  const raw = typeof item.key === 'string' ? item.key.slice(0, 100) : keys.filter((k) => typeof k === 'string').join('+');
  // "ctrl+c" and ["ctrl", "c"] both mean: modifiers, then the last part is the key.
  const parts = raw.split('+').map((p) => p.trim()).filter(Boolean);
  const last = parts.pop();
  if (!last) return 'key needs a key name';
  const extra: unknown[] = Array.isArray(item.modifiers) ? (item.modifiers as unknown[]).slice(0, MAX_COMBO) : [];
  const modifiers: string[] = [];
  for (const m of [...parts, ...extra]) {
    const name = typeof m === 'string' ? MODIFIERS[m.toLowerCase()] : undefined;
    if (!name) return `unknown modifier ${String(m).slice(0, 20)}`;
    if (!modifiers.includes(name)) modifiers.push(name);
  }
  const key = last.length === 1 && last >= ' ' && last <= '~' ? (last === ' ' ? 'space' : last.toLowerCase()) : KEY_NAMES[last.toLowerCase()];
  if (!key) return `unknown key ${last.slice(0, 20)}`;
  return refusedCombo(key, modifiers, platform) ?? { type: 'key', key, modifiers };
}

function parseDone(value: unknown): ComputerStep['done'] {
  if (value === true) return { success: true, result: '' };
  if (!isPlainObject(value)) return undefined;
  const success = value.success !== false && value.success !== 'false';
  const result = typeof value.result === 'string' ? value.result.slice(0, COMPUTER_LIMITS.maxResult) : '';
  return { success, result };
}

const MAX_COMBO = 6;
const OUT_OF_RANGE = 'coordinates must be between 0 and 999 (a fraction of the screen, not image pixels)';

/** `coordinate: [x, y]` or `point: [x, y]`, as some models write it. */
function pair(item: Record<string, unknown>): unknown[] {
  const value = Array.isArray(item.coordinate) ? item.coordinate : Array.isArray(item.point) ? item.point : [];
  return value.slice(0, 2);
}

/** `x`/`y`, or a coordinate pair. */
function coordinates(item: Record<string, unknown>): { x: number; y: number } | undefined {
  const both = pair(item);
  const x = coordinate(both.length ? both[0] : item.x);
  const y = coordinate(both.length ? both[1] : item.y);
  return x === undefined || y === undefined ? undefined : { x, y };
}

/**
 * A value far outside 0..999 means the model answered in image pixels: clamping it to the edge would
 * click somewhere else, so the action is dropped and the model told. 1000 is accepted (0–1000 scales).
 */
function outOfRange(value: unknown): boolean {
  const n = num(value);
  return n !== undefined && (n < -0.5 || n > 1000);
}

function coordinate(value: unknown): number | undefined {
  const n = num(value);
  return n === undefined ? undefined : Math.min(999, Math.max(0, Math.round(n)));
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
