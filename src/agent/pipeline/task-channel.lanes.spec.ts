import type { AgentChannelAdapter, ChannelResult } from '../adapters/agent-channel.port';
import { ChannelLanes, laneBoundChannels } from './task-channel.lanes';

describe('ChannelLanes', () => {
  it('grants one slot per lane in request order, lanes independently, and drops an aborted waiter', async () => {
    const lanes = new ChannelLanes();
    const order: string[] = [];
    const first = await lanes.acquire('mcp');
    const other = await lanes.acquire('plan');
    const ctrl = new AbortController();
    const aborted = lanes.acquire('mcp', ctrl.signal);
    const second = lanes.acquire('mcp').then((release) => (order.push('second'), release));
    expect(lanes.depth('mcp')).toEqual({ waiting: 2, busy: true });
    ctrl.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'LaneAbortedError', message: 'cancelled' });
    expect(lanes.depth('mcp')).toEqual({ waiting: 1, busy: true });
    first();
    first(); // a second release is a no-op
    (await second)();
    other();
    expect(order).toEqual(['second']);
    expect(lanes.depth('mcp')).toEqual({ waiting: 0, busy: false });
    await expect(lanes.acquire('mcp', AbortSignal.abort())).rejects.toMatchObject({ name: 'LaneAbortedError', message: 'cancelled' });
  });
});

describe('laneBoundChannels', () => {
  const ok: ChannelResult = { success: true, summary: 'ran', detail: '' };
  const adapter = (run: () => Promise<ChannelResult>): AgentChannelAdapter => ({
    channel: 'computer_use',
    readiness: () => Promise.resolve({ ready: true, reason: '' }),
    describe: () => Promise.resolve({ channel: 'computer_use', actions: [], problems: [] }),
    execute: run,
  });

  it('waits for the channel lane, re-checks usability after the wait, and never throws', async () => {
    const lanes = new ChannelLanes();
    let usable = true;
    let calls = 0;
    const [wrapped] = laneBoundChannels([adapter(() => (calls++, Promise.resolve(ok)))], lanes, () => usable);
    const held = await lanes.acquire('computer_use');
    const step = wrapped.execute({ instruction: 'x' });
    usable = false; // switched off while the step waited
    held();
    expect(await step).toMatchObject({ success: false, error: 'computer_use is switched off or not ready' });
    expect(calls).toBe(0);
    usable = true;
    expect(await wrapped.execute({ instruction: 'x' })).toEqual(ok);
    const [throwing] = laneBoundChannels([adapter(() => Promise.reject(new Error('bug')))], lanes, () => true);
    expect(await throwing.execute({})).toMatchObject({ success: false, error: 'bug' });
    expect(lanes.depth('computer_use').busy).toBe(false);
  });
});
