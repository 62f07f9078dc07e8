import { describeStatus } from './status.messages';

describe('describeStatus (the server statuses of spec §4.5 in plain words)', () => {
  it.each([
    ['切换至另一个终端...', 'companion.status.replaced', 'replaced'],
    ['小天失联了，即将重启！', 'companion.status.lost', 'lost'],
    ['小天已离开。', 'companion.status.left', 'left'],
    ['⛔ Session启动连续失败3次，已停止自动重试。请检查网络连接和API配置，然后刷新页面重试。', 'companion.status.startStopped', 'start-stopped'],
    ['Error starting session: boom (失败2次)', 'companion.status.startError', 'start-failed'],
    ['Error starting session: ❌ 记忆服务未启动！请先启动记忆服务 (端口 48912) (失败1次)', 'companion.status.memoryDown', 'start-failed'],
    ['⚙️ 尚未配置可用的 AI 服务：请打开 API 设置页面 (/api_key) 填写 API Key，或选择本地模型 (local)。No AI provider is set up', 'companion.status.notConfigured', 'not-configured'],
  ])('%s → %s', (raw, key, effect) => {
    expect(describeStatus(raw)).toMatchObject({ key, effect });
  });

  it('fills the message parameters from the text', () => {
    expect(describeStatus('小天失联了，即将重启！').params).toEqual({ name: '小天' });
    expect(describeStatus('Error starting session: boom (失败2次)').params).toEqual({ count: '2' });
    expect(describeStatus('连接问题，正在重试...（第2次）')).toMatchObject({ key: 'companion.status.retrying', params: { count: '2' } });
    expect(describeStatus('Stream: Error sending data to session: text longer than 4000 characters')).toMatchObject({ key: 'companion.status.tooLong', params: { max: '4000' } });
  });

  it('recognises the provider errors without an effect on the session', () => {
    expect(describeStatus('💥 API Key被服务器拒绝。请检查API Key是否与所选模型匹配。')).toEqual({ key: 'companion.status.keyRejected', params: {}, kind: 'error' });
    expect(describeStatus('💥 API请求频率过高，请稍后再试。').key).toBe('companion.status.rateLimited');
  });

  it('passes an unknown text through as a notice', () => {
    expect(describeStatus('something new')).toEqual({ key: 'companion.status.other', params: { message: 'something new' }, kind: 'info' });
  });
});
