import { MAX_EXTRA_REPLIES, MAX_WAITING_AGENT_RESULTS, type ChatContext } from './chat-session.context';
import { agentReportPrompt, agentResultLine, type AgentResult } from './session-prompt.builder';
import { errorText } from './start-failure.tracker';

/**
 * Agent results the character should tell (memory-and-agent §8.4 task_result / proactive_message):
 * a text session gets an immediate turn in which the character reports them (after the reply in
 * progress, if any); a voice session gets them at its next hot swap (pendingExtraReplies, spec
 * §5.7); without a session they wait (bounded) for the next one.
 */
export class AgentResultDelivery {
  constructor(private readonly ctx: ChatContext) {}

  add(result: AgentResult): void {
    const waiting = this.ctx.agentResults;
    waiting.push(result);
    if (waiting.length > MAX_WAITING_AGENT_RESULTS) waiting.splice(0, waiting.length - MAX_WAITING_AGENT_RESULTS);
    this.flush();
  }

  /** Delivers what waits, if a session can take it now (after a start, at every turn end). */
  flush(): void {
    const ctx = this.ctx;
    const live = ctx.live;
    if (!live || ctx.starting || ctx.agentResults.length === 0) return;
    if (live.mode === 'audio') {
      const extra = ctx.manager.pendingExtraReplies;
      extra.push(...ctx.agentResults.splice(0).map(agentResultLine));
      if (extra.length > MAX_EXTRA_REPLIES) extra.splice(0, extra.length - MAX_EXTRA_REPLIES);
      return;
    }
    if (ctx.manager.isResponding) return;
    const results = ctx.agentResults.splice(0);
    ctx.agentCallbackTurn = true;
    ctx.manager.isResponding = true;
    ctx.newSpeech();
    let target = live;
    void (async () => {
      const prompt = agentReportPrompt(await ctx.deps.masterName(), results);
      // A hot swap meanwhile: the new text conversation reports them.
      const current = ctx.live;
      if (current?.mode !== 'text' || ctx.starting) throw new Error('the session ended');
      target = current;
      await target.llm.createResponse(prompt, { skipped: false });
    })().catch((err: unknown) => {
      if (ctx.live === target) {
        ctx.agentCallbackTurn = false;
        ctx.manager.isResponding = false;
      }
      ctx.log.warn(`agent report turn for ${ctx.name} failed: ${errorText(err)}`);
    });
  }
}
