/**
 * The server's `status` texts (spec §4.5) are Chinese sentences made for N.E.K.O.'s own page.
 * Here each known one becomes a message key in the user's language, by pattern; the raw text stays
 * available (tooltip). `effect` tells the page what the status means for the conversation.
 */
import type { MessageKey } from '../core/i18n';

export type StatusKind = 'info' | 'warn' | 'error';
export type StatusEffect = 'replaced' | 'left' | 'lost' | 'not-configured' | 'start-failed' | 'start-stopped';

export interface StatusView {
  readonly key: MessageKey;
  readonly params: Record<string, string | number>;
  readonly kind: StatusKind;
  readonly effect?: StatusEffect;
}

interface Rule {
  /** Named groups become the message's params. */
  readonly test: RegExp;
  readonly key: MessageKey;
  readonly kind: StatusKind;
  readonly effect?: StatusEffect;
}

/** Most specific first: start failures carry the provider's own error inside them. */
const RULES: readonly Rule[] = [
  { test: /切换至另一个终端/, key: 'companion.status.replaced', kind: 'warn', effect: 'replaced' },
  { test: /^(?<name>.*?)失联了，即将重启/, key: 'companion.status.lost', kind: 'warn', effect: 'lost' },
  { test: /^(?<name>.*?)已离开/, key: 'companion.status.left', kind: 'info', effect: 'left' },
  { test: /尚未配置可用的 AI 服务/, key: 'companion.status.notConfigured', kind: 'warn', effect: 'not-configured' },
  { test: /Session启动连续失败(?<count>\d+)次/, key: 'companion.status.startStopped', kind: 'error', effect: 'start-stopped' },
  { test: /记忆服务器.*崩溃|记忆服务未启动|记忆服务响应超时|记忆服务连接失败/, key: 'companion.status.memoryDown', kind: 'error', effect: 'start-failed' },
  { test: /对话照常进行，记忆服务恢复后会补存/, key: 'companion.status.memoryLater', kind: 'warn' },
  { test: /Error starting session: .*\(失败(?<count>\d+)次\)/, key: 'companion.status.startError', kind: 'error', effect: 'start-failed' },
  { test: /智谱API触发欠费/, key: 'companion.status.zhipuArrears', kind: 'error' },
  { test: /阿里API已欠费/, key: 'companion.status.aliyunArrears', kind: 'error' },
  { test: /连接超时/, key: 'companion.status.timeout', kind: 'error' },
  { test: /服务器连接被拒绝/, key: 'companion.status.refused', kind: 'error' },
  { test: /API Key被服务器拒绝/, key: 'companion.status.keyRejected', kind: 'error' },
  { test: /API请求频率过高/, key: 'companion.status.rateLimited', kind: 'error' },
  { test: /LLM API 连接失败|无法连接/, key: 'companion.status.llmUnreachable', kind: 'error' },
  { test: /连接异常关闭/, key: 'companion.status.closedAbnormally', kind: 'error' },
  { test: /text longer than (?<max>\d+) characters/, key: 'companion.status.tooLong', kind: 'warn' },
  { test: /Stream: Error sending data|Error in text streaming/, key: 'companion.status.streamError', kind: 'error' },
  { test: /内部更新切换失败/, key: 'companion.status.hotSwapFailed', kind: 'warn' },
  { test: /图片内容被审查/, key: 'companion.status.imageCensored', kind: 'warn' },
  { test: /正在重试.*第(?<count>\d+)次/, key: 'companion.status.retrying', kind: 'warn' },
  { test: /LLM调用失败，已重试(?<count>\d+)次/, key: 'companion.status.llmFailed', kind: 'error' },
  { test: /启动超时/, key: 'companion.status.startTimeout', kind: 'error', effect: 'start-failed' },
  { test: /实时对话功能尚未启用/, key: 'companion.status.chatUnavailable', kind: 'error', effect: 'start-failed' },
  { test: /^(Invalid input type|Unknown action|Server error)/, key: 'companion.status.protocol', kind: 'error' },
];

export function describeStatus(raw: string): StatusView {
  for (const rule of RULES) {
    const m = rule.test.exec(raw);
    if (!m) continue;
    const params: Record<string, string | number> = { ...(m.groups ?? {}) };
    return { key: rule.key, params, kind: rule.kind, ...(rule.effect ? { effect: rule.effect } : {}) };
  }
  return { key: 'companion.status.other', params: { message: raw }, kind: 'info' };
}
