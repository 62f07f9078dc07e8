/**
 * Prompts of the memory server, written for N.E.K.O.-TS after the roles of N.E.K.O.'s prompts
 * (spec memory §4.3). The JSON keys are the wire contract: 对话摘要, 修正说明, 修正后的对话.
 */
export const SUMMARY_KEY = '对话摘要';

export function summaryPrompt(dialogue: string, detailed: boolean): string {
  const goal = detailed
    ? '请尽可能完整地保留对话中所有清楚明确的信息（人物、事件、时间、偏好、约定、情绪变化），不要遗漏细节，也不要编造。'
    : '请用简洁、准确、不会引起误解的语言概括这段对话，只保留之后聊天时真正有用的信息，不要编造。';
  return `下面是一段角色扮演对话的记录，每行的格式为“说话人 | 内容”，SYSTEM_MESSAGE 的内容是系统信息或之前的备忘录。\n${goal}\n如果记录里已有“先前对话的备忘录”，请把其中仍然有效的信息合并进新的摘要。\n\n======对话开始======\n${dialogue}\n======对话结束======\n\n只输出一个 JSON 对象，格式为 {"${SUMMARY_KEY}": "摘要内容"}，不要输出其他内容。`;
}

export function furtherSummaryPrompt(summary: string): string {
  return `下面这段对话摘要太长了。请在不丢失关键信息的前提下把它压缩到500字以内。\n\n======摘要开始======\n${summary}\n======摘要结束======\n\n只输出一个 JSON 对象，格式为 {"${SUMMARY_KEY}": "压缩后的摘要"}。`;
}

export const REVIEW_NOTES_KEY = '修正说明';
export const REVIEW_DIALOGUE_KEY = '修正后的对话';

export function reviewPrompt(master: string, name: string, dialogue: string): string {
  return `你在整理${master}和${name}之间的角色扮演对话记录。请找出并修正以下问题：前后矛盾、重复或复读的内容、说话人或人称弄错、凭空多出来的对话轮次，以及${name}自称“语言模型/AI/系统”之类破坏角色的话。能删除就不要改写；“先前对话的备忘录”可以修改但必须保留；保留原有的时间戳。\n\n======对话开始======\n${dialogue}======对话结束======\n\n只输出一个 JSON 对象：{"${REVIEW_NOTES_KEY}": "说明修正了什么", "${REVIEW_DIALOGUE_KEY}": [{"role": "SYSTEM_MESSAGE" 或 "${master}" 或 "${name}", "content": "..."}]}。`;
}

/** Strips a leading Markdown code fence (```json … ```) the way N.E.K.O. does, then parses. */
export function parseModelJson(text: string): unknown {
  let t = text.trim();
  if (t.startsWith('```')) t = t.replace(/^```(?:json)?/i, '').replace(/```\s*$/, '').trim();
  return JSON.parse(t);
}

export const FACTS_KEY = '事实';

export function factsPrompt(master: string, name: string, dialogue: string): string {
  return `下面是${master}和${name}的一段对话记录。请找出关于${master}的、以后聊天时仍然有用的长期事实：身份、家人和宠物的名字、喜好和厌恶、重要经历、计划和约定、健康状况等。每条事实写成一句完整、独立的话，写明主语（例如“${master}的猫叫麻薯”）。不要记录寒暄、临时情绪或${name}自己说的话；没有就返回空列表。\n\n======对话开始======\n${dialogue}\n======对话结束======\n\n只输出一个 JSON 对象：{"${FACTS_KEY}": ["事实1", "事实2"]}。`;
}
