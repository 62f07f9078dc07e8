import type { AgentLlmPort } from '../../llm/agent-llm.port';
import { CHANNEL_REASON } from '../agent-channel.port';
import { captureMismatch, pixelMap } from './computer-action.executor';
import { ComputerUseAdapter } from './computer-use.adapter';
import { loadRobotDriver } from './desktop.driver';

/** Readiness and early failures never reach the model: this port fails the test if it is called. */
const unusedLlm: AgentLlmPort = {
  complete: () => Promise.reject(new Error('model must not be called')),
  completeJson: () => Promise.reject(new Error('model must not be called')),
  readiness: () => Promise.reject(new Error('model must not be called')),
  invalidate: () => undefined,
};

describe('ComputerUseAdapter without a desktop', () => {
  const saved = process.env.DISPLAY;
  beforeEach(() => {
    delete process.env.DISPLAY;
  });
  afterAll(() => {
    if (saved !== undefined) process.env.DISPLAY = saved;
  });

  const onLinux = process.platform === 'linux' ? it : it.skip;

  onLinux('reports AGENT_PYAUTOGUI_NOT_INSTALLED and names the problem', async () => {
    const adapter = new ComputerUseAdapter(unusedLlm);
    await expect(adapter.readiness()).resolves.toEqual({ ready: false, reason: 'AGENT_PYAUTOGUI_NOT_INSTALLED' });
    const description = await adapter.describe();
    expect(description.channel).toBe('computer_use');
    expect(description.actions.map((a) => a.name)).toEqual(['desktop']);
    expect(description.problems).toEqual([{ source: 'desktop', error: 'DISPLAY is not set (no X server to drive)' }]);
  });

  onLinux('fails a task without throwing', async () => {
    const adapter = new ComputerUseAdapter(unusedLlm);
    const result = await adapter.execute({ instruction: 'open the calculator' });
    expect(result).toMatchObject({ success: false, error: 'computer use unavailable: DISPLAY is not set (no X server to drive)' });
  });

  it('rejects an empty instruction', async () => {
    const adapter = new ComputerUseAdapter(unusedLlm);
    await expect(adapter.execute({ instruction: '  ' })).resolves.toMatchObject({ success: false, error: 'no instruction given' });
  });
});

describe('loadRobotDriver without a usable display', () => {
  it('needs DISPLAY on Linux', async () => {
    await expect(loadRobotDriver({}, 'linux')).resolves.toEqual({ reason: CHANNEL_REASON.desktopNotAvailable, message: 'DISPLAY is not set (no X server to drive)' });
  });

  it('checks that a local X server socket exists', async () => {
    await expect(loadRobotDriver({ DISPLAY: ':179' }, 'linux')).resolves.toEqual({ reason: CHANNEL_REASON.desktopNotAvailable, message: 'no X server socket for DISPLAY :179' });
  });

  it('probes other displays in a child process instead of crashing this one', async () => {
    const load = await loadRobotDriver({ PATH: process.env.PATH, DISPLAY: 'unix:179' }, 'linux');
    expect(load.driver).toBeUndefined();
    expect(load.reason).toBe(CHANNEL_REASON.desktopNotAvailable);
    expect(load.message).toMatch(/^cannot open X display unix:179 \(/);
  });
});

describe('pixelMap', () => {
  it('maps the 0..999 scale onto the mouse screen, whatever the screenshot size', () => {
    const px = pixelMap({ width: 1440, height: 900 });
    expect(px(0, 0)).toEqual([0, 0]);
    expect(px(999, 999)).toEqual([1439, 899]);
    expect(px(500, 250)).toEqual([Math.round((500 / 999) * 1439), Math.round((250 / 999) * 899)]);
  });
});

describe('captureMismatch', () => {
  it('accepts captures of the same area at another density (HiDPI) or a rounding off', () => {
    expect(captureMismatch({ width: 2880, height: 1800 }, { width: 1440, height: 900 })).toBeUndefined();
    expect(captureMismatch({ width: 1366, height: 768 }, { width: 1360, height: 768 })).toBeUndefined();
  });

  it('refuses a capture that shows another area than the mouse screen (several monitors vs the primary one)', () => {
    expect(captureMismatch({ width: 3840, height: 1080 }, { width: 1920, height: 1080 })).toBe(
      'the screenshot (3840x1080) does not show the mouse\'s screen (1920x1080)',
    );
    expect(captureMismatch({ width: 10, height: 10 }, { width: 0, height: 0 })).toBe('the screen size 0x0 is unusable');
  });
});
