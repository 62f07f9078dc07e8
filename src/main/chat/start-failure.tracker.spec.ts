import { LlmError } from '../llm/llm-session.port';
import { ChatStatus, connectionErrorStatus } from './chat-status.const';
import { classifyStartFailure, isNotConfigured, MAX_START_FAILURES, startFailureStatuses, StartFailureTracker } from './start-failure.tracker';

describe('start failure statuses (spec §4.5)', () => {
  it('maps the LlmError kinds to the exact second status', () => {
    expect(classifyStartFailure(new LlmError('unauthorized', '401 bad key', 401))).toBe('💥 API Key被服务器拒绝。请检查API Key是否与所选模型匹配。');
    expect(classifyStartFailure(new LlmError('rate_limited', '429', 429))).toBe('💥 API请求频率过高，请稍后再试。');
    expect(classifyStartFailure(new LlmError('unreachable', 'All connection attempts failed'))).toBe('💥 LLM API 连接失败。请检查网络连接和API配置。');
    expect(classifyStartFailure(new LlmError('closed', 'socket closed'))).toBe('💥 连接异常关闭: socket closed');
    expect(classifyStartFailure(new Error('boom'))).toBe('💥 连接异常关闭: boom');
    expect(classifyStartFailure('plain text')).toBe('💥 连接异常关闭: plain text');
  });

  it('counts in the first status and switches to the ⛔ line at the third failure', () => {
    const err = new LlmError('other', 'HTTP 500');
    expect(startFailureStatuses(err, 1)).toEqual(['Error starting session: HTTP 500 (失败1次)', '💥 连接异常关闭: HTTP 500']);
    expect(startFailureStatuses(err, 2)[0]).toBe('Error starting session: HTTP 500 (失败2次)');
    expect(startFailureStatuses(err, 3)[0]).toBe('⛔ Session启动连续失败3次，已停止自动重试。请检查网络连接和API配置，然后刷新页面重试。');
    expect(startFailureStatuses(err, 4)[0]).toContain('连续失败4次');
  });

  it('tells not_configured apart (not counted)', () => {
    expect(isNotConfigured(new LlmError('not_configured', 'no key'))).toBe(true);
    expect(isNotConfigured(new LlmError('unauthorized', 'no'))).toBe(false);
    expect(isNotConfigured(new Error('not_configured'))).toBe(false);
  });

  it('maps connection errors: 欠费 and standing get their own lines, others pass through', () => {
    expect(connectionErrorStatus('账户已欠费')).toBe(ChatStatus.arrears);
    expect(connectionErrorStatus('Arrearage: account in bad standing')).toBe(ChatStatus.standing);
    expect(connectionErrorStatus('LLM调用失败，已重试3次: 500')).toBe('LLM调用失败，已重试3次: 500');
    expect(ChatStatus.lostContact('小天')).toBe('小天失联了，即将重启！');
    expect(ChatStatus.left('小天')).toBe('小天已离开。');
  });
});

describe('StartFailureTracker', () => {
  it('blocks auto-start after three failures until the cool-down passed, then starts over', () => {
    let now = 1000;
    const t = new StartFailureTracker(3000, () => now);
    expect(t.allowsAutoStart()).toBe(true);
    for (let i = 1; i <= MAX_START_FAILURES; i++) expect(t.record()).toBe(i);
    expect(t.allowsAutoStart()).toBe(false);
    now += 2999;
    expect(t.allowsAutoStart()).toBe(false);
    now += 1;
    expect(t.allowsAutoStart()).toBe(true);
    expect(t.failures).toBe(0);
    expect(t.record()).toBe(1);
  });

  it('keeps allowing below the limit and resets on success', () => {
    const t = new StartFailureTracker(3000, () => 0);
    t.record();
    t.record();
    expect(t.allowsAutoStart()).toBe(true);
    t.reset();
    expect(t.failures).toBe(0);
  });

  it('after a not_configured start, auto-start pauses for the cool-down without counting a failure', () => {
    let now = 0;
    const t = new StartFailureTracker(3000, () => now);
    t.recordNotConfigured();
    expect(t.failures).toBe(0);
    expect(t.allowsAutoStart()).toBe(false);
    now = 3000;
    expect(t.allowsAutoStart()).toBe(true);
  });
});
