/**
 * The texts the engine gives the model (spec main-server.md §10.1, §5.7, §5.8, memory-and-agent
 * §8.4): the session instructions, the hot-swap lines and prime, and the agent-result report.
 * Worded for this project; the structure is the spec's.
 */

export interface PromptParts {
  readonly lanlanName: string;
  /** The character prompt with {LANLAN_NAME}/{MASTER_NAME} filled in (SessionManager.prompt). */
  readonly characterPrompt: string;
  /** The decoded `/new_dialog/<name>` text ('' when the memory server did not answer). */
  readonly memoryContext: string;
  /** agent_enabled && (computer_use_enabled || mcp_enabled), spec §5.8. */
  readonly agentMode: boolean;
  /** Hot-swap pending sessions only: the lines cached since the renew mark. */
  readonly cachedLines?: string;
}

/** One message of the hot-swap cache: speaker = master name or character name. */
export interface CachedLine {
  readonly speaker: string;
  readonly text: string;
}

export function preface(lanlanName: string, agentMode: boolean): string {
  const base = `你是一位擅长角色扮演的演员，请按照下面的设定扮演角色（${lanlanName}）。`;
  if (!agentMode) return base;
  return `${base}你同时精通电脑操作：当对方请你在电脑上做事时，先回答“我试试”，然后尝试去操作电脑完成它。`;
}

/**
 * Concatenation without separators, as the spec says (§10.1). Item 5, OpenAI realtime's voice line,
 * belongs to that provider's dialect (src/main/llm/realtime.dialect.ts), which adds it.
 */
export function buildSessionPrompt(parts: PromptParts): string {
  let prompt = preface(parts.lanlanName, parts.agentMode) + parts.characterPrompt + parts.memoryContext;
  if (parts.cachedLines) prompt += parts.cachedLines;
  return prompt;
}

/** `"<speaker> | <text>\n"` per message. */
export function renderLines(lines: readonly CachedLine[]): string {
  return lines.map((l) => `${l.speaker} | ${l.text}\n`).join('');
}

/** `YYYY-MM-DD HH:MM` in local time. */
export function clockText(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}`;
}

export interface PrimeParts {
  readonly lanlanName: string;
  readonly masterName: string;
  /** Cache entries after the preparation snapshot. */
  readonly recent: readonly CachedLine[];
  /** Agent results to report (pendingExtraReplies); empty = a plain, silent prime. */
  readonly extraReplies: readonly string[];
  readonly now: Date;
}

/**
 * The hot-swap prime (spec §5.7 step 5): what was said since the preparation snapshot (or the time),
 * then either the recap sentence (skipped reply) or the request to report the agent results.
 */
export function hotSwapPrime(parts: PrimeParts): { readonly text: string; readonly skipped: boolean } {
  const lines = renderLines(parts.recent);
  let text = lines ? `SYSTEM_MESSAGE | ${lines}` : `SYSTEM_MESSAGE | 系统自动报时，当前时间： ${clockText(parts.now)}`;
  if (parts.extraReplies.length > 0) {
    text +=
      `\n======系统通知======\n请忽略${parts.masterName}的上一句输入。在你接下来的这次回复中，` +
      `用一两句话简短地告诉${parts.masterName}之前交给你的任务有了什么结果：\n` +
      parts.extraReplies.map((r) => `- ${r}\n`).join('') +
      `说完之后照常继续和${parts.masterName}聊天。\n`;
    return { text, skipped: false };
  }
  text += `=======以上为前情概要。现在请${parts.lanlanName}准备，即将开始用语音与${parts.masterName}继续对话。\n`;
  return { text, skipped: true };
}

/** One agent result as the agent callback carries it (memory-and-agent §8.4). */
export interface AgentResult {
  readonly status: string;
  readonly summary: string;
  readonly detail: string;
}

/** `✅|⚠️|❌ <summary>` plus `详细结果：<detail>` when the detail says more than the summary. */
export function agentResultLine(result: AgentResult): string {
  const mark = result.status === 'completed' ? '✅' : result.status === 'partial' ? '⚠️' : '❌';
  let line = `${mark} ${result.summary}`;
  if (result.detail && result.detail !== result.summary && result.detail.length > result.summary.length) line += `\n详细结果：${result.detail}`;
  return line;
}

/** The system prompt of the immediate text-mode turn in which the character reports results. */
export function agentReportPrompt(masterName: string, results: readonly AgentResult[]): string {
  return (
    `SYSTEM_MESSAGE | 你在后台替${masterName}做的事情有结果了：\n` +
    results.map((r) => `${agentResultLine(r)}\n`).join('') +
    `请用你自己的语气，简短自然地把结果告诉${masterName}（不要逐字照念），然后继续平常的聊天。`
  );
}
