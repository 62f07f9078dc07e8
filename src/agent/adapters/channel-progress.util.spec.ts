import type { ChannelProgress } from './agent-channel.port';
import { progressReporter } from './channel-progress.util';

describe('progressReporter', () => {
  it('bounds messages and survives a throwing listener', () => {
    const seen: ChannelProgress[] = [];
    const report = progressReporter((p) => {
      seen.push(p);
      throw new Error('listener broke');
    }, 10);
    expect(() => report({ stage: 'progress', message: 'x'.repeat(50), progress: 0.5 })).not.toThrow();
    expect(() => report({ stage: 'step' })).not.toThrow();
    expect(seen).toEqual([{ stage: 'progress', message: `${'x'.repeat(9)}…`, progress: 0.5 }, { stage: 'step' }]);
  });

  it('does nothing without a listener', () => {
    expect(() => progressReporter(undefined)({ stage: 'step', message: 'a' })).not.toThrow();
  });
});
