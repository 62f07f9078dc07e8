import type { AgentLlmPort } from '../../llm/agent-llm.port';
import { ComputerUseAdapter } from './computer-use.adapter';
import { DRIVER_UNAVAILABLE, loadRobotDriver } from './desktop.driver';

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
  it('needs DISPLAY on Linux', () => {
    expect(loadRobotDriver({}, 'linux')).toEqual({ reason: DRIVER_UNAVAILABLE, message: 'DISPLAY is not set (no X server to drive)' });
  });

  it('checks that a local X server socket exists', () => {
    expect(loadRobotDriver({ DISPLAY: ':179' }, 'linux')).toEqual({ reason: DRIVER_UNAVAILABLE, message: 'no X server socket for DISPLAY :179' });
  });

  it('probes other displays in a child process instead of crashing this one', () => {
    const load = loadRobotDriver({ PATH: process.env.PATH, DISPLAY: 'unix:179' }, 'linux');
    expect(load.driver).toBeUndefined();
    expect(load.reason).toBe(DRIVER_UNAVAILABLE);
    expect(load.message).toMatch(/^cannot open X display unix:179 \(/);
  });
});
