import { COMPUTER_LIMITS, parseComputerStep, toPixel, type ComputerStep } from './computer-action.parser';

function step(reply: unknown, platform: NodeJS.Platform = 'linux'): ComputerStep {
  const parsed = parseComputerStep(reply, platform);
  if ('error' in parsed) throw new Error(`unexpected error: ${parsed.error}`);
  return parsed;
}

describe('parseComputerStep', () => {
  it('reads the documented format', () => {
    const parsed = step({
      thought: 'the OK button is at the bottom',
      actions: [
        { type: 'click', x: 512, y: 900 },
        { type: 'click', x: 10, y: 20, button: 'right', double: true },
        { type: 'move', x: 1, y: 2 },
        { type: 'drag', x1: 0, y1: 0, x2: 999, y2: 999 },
        { type: 'type', text: 'hello' },
      ],
      done: { success: true, result: 'clicked OK' },
    });
    expect(parsed.thought).toBe('the OK button is at the bottom');
    expect(parsed.actions).toEqual([
      { type: 'click', x: 512, y: 900, button: 'left', double: false },
      { type: 'click', x: 10, y: 20, button: 'right', double: true },
      { type: 'move', x: 1, y: 2 },
      { type: 'drag', x1: 0, y1: 0, x2: 999, y2: 999 },
      { type: 'type', text: 'hello' },
    ]);
    expect(parsed.done).toEqual({ success: true, result: 'clicked OK' });
    expect(parsed.problems).toEqual([]);
  });

  it('tolerates a single action object, strings for numbers, JSON text and coordinate pairs', () => {
    expect(step({ type: 'click', x: '100', y: ' 200 ' }).actions).toEqual([{ type: 'click', x: 100, y: 200, button: 'left', double: false }]);
    expect(step({ action: { type: 'double_click', coordinate: [5, 6] } }).actions[0]).toEqual({ type: 'click', x: 5, y: 6, button: 'left', double: true });
    expect(step('{"actions": {"type": "right_click", "x": 1, "y": 2}}').actions[0]).toMatchObject({ button: 'right' });
    expect(step({ actions: [{ type: 'CLICK', x: 1000, y: 998.6 }] }).actions[0]).toMatchObject({ x: 999, y: 999 });
  });

  it('drops actions whose coordinates are off the 0–999 scale (image pixels) instead of clamping them to the edge', () => {
    const parsed = step({ actions: [{ type: 'click', x: 1500, y: 300 }, { type: 'drag', x1: 0, y1: 0, x2: 10, y2: -40 }, { type: 'move', coordinate: [1, 2] }] });
    expect(parsed.actions).toEqual([{ type: 'move', x: 1, y: 2 }]);
    expect(parsed.problems).toEqual([
      'click: coordinates must be between 0 and 999 (a fraction of the screen, not image pixels)',
      'drag: coordinates must be between 0 and 999 (a fraction of the screen, not image pixels)',
    ]);
  });

  it('refuses combinations that lock the screen, log out or leave the desktop', () => {
    const keys = (platform: NodeJS.Platform, ...list: string[]) => step({ actions: list.map((key) => ({ type: 'key', key })) }, platform);
    const linux = keys('linux', 'ctrl+alt+delete', 'ctrl+alt+backspace', 'ctrl+alt+f2', 'super+l', 'ctrl+l');
    expect(linux.actions).toEqual([{ type: 'key', key: 'l', modifiers: ['control'] }]);
    expect(linux.problems).toEqual(
      ['control+alt+delete', 'control+alt+backspace', 'control+alt+f2', 'command+l'].map((c) => `key ${c} is refused (it would lock, log out or leave the desktop)`),
    );
    // ctrl+alt+l locks the screen on XFCE, Cinnamon and KDE.
    expect(keys('linux', 'ctrl+alt+l', 'alt+l').problems).toEqual(['key control+alt+l is refused (it would lock, log out or leave the desktop)']);
    // On macOS cmd+L is the address bar; the lock and log-out shortcuts are different.
    const mac = keys('darwin', 'cmd+l', 'ctrl+cmd+q', 'cmd+shift+q');
    expect(mac.actions).toEqual([{ type: 'key', key: 'l', modifiers: ['command'] }]);
    expect(mac.problems).toHaveLength(2);
  });

  it('maps key names and modifiers to robotjs names and rejects unknown ones', () => {
    expect(step({ actions: [{ type: 'key', key: 'Return' }] }).actions[0]).toEqual({ type: 'key', key: 'enter', modifiers: [] });
    expect(step({ actions: [{ type: 'key', key: 'ctrl+shift+T' }] }).actions[0]).toEqual({ type: 'key', key: 't', modifiers: ['control', 'shift'] });
    expect(step({ actions: [{ type: 'hotkey', keys: ['cmd', 'a'] }] }).actions[0]).toEqual({ type: 'key', key: 'a', modifiers: ['command'] });
    expect(step({ actions: [{ type: 'key', key: 'esc', modifiers: ['Alt'] }] }).actions[0]).toEqual({ type: 'key', key: 'escape', modifiers: ['alt'] });
    const bad = step({ actions: [{ type: 'key', key: 'launch_rockets' }, { type: 'key', key: 'a', modifiers: ['hyper'] }, { type: 'wait', seconds: 1 }] });
    expect(bad.actions).toEqual([{ type: 'wait', seconds: 1 }]);
    expect(bad.problems).toEqual(['unknown key launch_rockets', 'unknown modifier hyper']);
  });

  it('bounds text, waits, scrolls and the number of actions', () => {
    const long = 'x'.repeat(COMPUTER_LIMITS.maxText + 50);
    const parsed = step({
      actions: [
        { type: 'type', text: long },
        { type: 'wait', seconds: 60 },
        { type: 'scroll', direction: 'UP', amount: '100', x: 3, y: 4 },
        { type: 'scroll' },
        { type: 'wait' },
        { type: 'wait' },
        { type: 'wait' },
      ],
    });
    expect(parsed.actions).toHaveLength(COMPUTER_LIMITS.maxActions);
    expect(parsed.problems).toEqual([`only the first ${COMPUTER_LIMITS.maxActions} actions were run`]);
    expect(parsed.actions[0]).toEqual({ type: 'type', text: long.slice(0, COMPUTER_LIMITS.maxText) });
    expect(parsed.actions[1]).toEqual({ type: 'wait', seconds: COMPUTER_LIMITS.maxWaitSeconds });
    expect(parsed.actions[2]).toEqual({ type: 'scroll', direction: 'up', amount: COMPUTER_LIMITS.maxScroll, x: 3, y: 4 });
    expect(parsed.actions[3]).toEqual({ type: 'scroll', direction: 'down', amount: 5 });
  });

  it('accepts done without actions, including failures', () => {
    expect(step({ thought: 'finished', done: { success: false, result: 'no such file' } })).toEqual({
      thought: 'finished',
      actions: [],
      done: { success: false, result: 'no such file' },
      problems: [],
    });
    expect(step({ done: true }).done).toEqual({ success: true, result: '' });
  });

  it('reports unusable replies', () => {
    expect(parseComputerStep('not json')).toEqual({ error: 'the reply is not a JSON object' });
    expect(parseComputerStep([1, 2])).toEqual({ error: 'the reply is not a JSON object' });
    expect(parseComputerStep({ thought: 'hmm' })).toEqual({ error: 'no actions and not done' });
    expect(parseComputerStep({ actions: [{ type: 'teleport' }, { type: 'click', x: 'left' }] })).toEqual({
      error: 'no usable action (unknown action type "teleport"; click needs x and y)',
    });
  });
});

describe('toPixel', () => {
  it('maps 0..999 onto the first..last pixel', () => {
    expect(toPixel(0, 1024)).toBe(0);
    expect(toPixel(999, 1024)).toBe(1023);
    expect(toPixel(500, 1024)).toBe(Math.round((500 / 999) * 1023));
    expect(toPixel(2000, 768)).toBe(767);
    expect(toPixel(-5, 768)).toBe(0);
  });
});
