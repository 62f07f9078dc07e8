/**
 * Every `status` text the chat engine sends (spec main-server.md §4.5 exactly; the UI matches some
 * of them whole or by keyword), plus the two of our own agreed in the issue brief.
 */
export const ChatStatus = {
  /** Client-initiated end_session / pause_session of an active session. */
  left: (name: string) => `${name}已离开。`,
  /** Provider gone: the UI compares the whole string and restarts the voice session. */
  lostContact: (name: string) => `${name}失联了，即将重启！`,
  arrears: '💥 智谱API触发欠费bug。请考虑充值1元。',
  standing: '💥 阿里API已欠费。',
  receiveTimeout: '💥 连接超时，请检查网络连接。',
  startError: (error: string, failures: number) => `Error starting session: ${error} (失败${failures}次)`,
  startStopped: (failures: number) => `⛔ Session启动连续失败${failures}次，已停止自动重试。请检查网络连接和API配置，然后刷新页面重试。`,
  memoryCrashed: '🧠 记忆服务器(端口48912)已崩溃。请重启 memory_server.py',
  connectionRefused: '💥 服务器连接被拒绝。请检查API Key和网络连接。',
  keyRejected: '💥 API Key被服务器拒绝。请检查API Key是否与所选模型匹配。',
  rateLimited: '💥 API请求频率过高，请稍后再试。',
  llmUnreachable: '💥 LLM API 连接失败。请检查网络连接和API配置。',
  closedAbnormally: (error: string) => `💥 连接异常关闭: ${error}`,
  streamError: (error: string) => `Stream: Error sending data to session: ${error}`,
  hotSwapFailed: (error: string) => `内部更新切换失败: ${error}.`,
  imageCensored: '⚠️ 图片内容被审查系统拦截，请尝试更换图片或内容。',
  /** Ours: no usable provider (LlmError `not_configured`); one status, no failure counted. */
  notConfigured:
    '⚙️ 尚未配置可用的 AI 服务：请打开 API 设置页面 (/api_key) 填写 API Key，或选择本地模型 (local)。No AI provider is set up: open API settings (/api_key) and enter a key or choose the local provider.',
  /** Ours: memory server down at session start; the session starts anyway (turns wait in the outbox). */
  memoryDown: (memoryError: string) => `${memoryError}（对话照常进行，记忆服务恢复后会补存。）`,
  /** Ours: a text message over the size bound (the frame is not forwarded). */
  textTooLong: (maxChars: number) => `Stream: Error sending data to session: text longer than ${maxChars} characters`,
} as const;

/** Server → client messages of the engine besides status (spec §4.3). */
export const autoCloseMicMessage = (name: string): string => `${name}检测到长时间无语音输入，已自动关闭麦克风`;

/**
 * A connectionError text as the user sees it (spec §4.5 handle_connection_error): the Zhipu
 * arrears bug and Aliyun's "standing" get their own lines, anything else is passed through.
 */
export function connectionErrorStatus(message: string): string {
  if (message.includes('欠费')) return ChatStatus.arrears;
  if (message.includes('standing')) return ChatStatus.standing;
  return message;
}
