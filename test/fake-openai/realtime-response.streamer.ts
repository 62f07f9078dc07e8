import { countTokens, splitText } from './chat-completions.handler';
import { newId, type Json } from './fake-openai.http';
import type { RealtimeFault } from './fake-openai.script';
import { sinePcm16 } from './pcm-audio.util';
import type { RealtimeDialect } from './realtime.session';

/** What a response needs from its connection. */
export interface ResponseIo {
  readonly dialect: RealtimeDialect;
  send(event: Json): void;
  isOpen(): boolean;
  sleep(ms: number): Promise<void>;
  closeSocket(code: number, reason?: string): void;
}

export interface ResponsePlan {
  readonly text: string;
  readonly audio: boolean;
  /** Audio transcript deltas along with the audio (false for Qwen TTS, which sends audio only). */
  readonly transcript: boolean;
  readonly deltaIntervalMs: number;
  readonly previousItemId: string | null;
  readonly inputTokens: number;
  readonly voice: string;
  readonly outputFormat: unknown;
  readonly fault?: RealtimeFault;
  /** Characters per delta (default 4); each audio delta carries 25 ms of 24 kHz pcm16 per character. */
  readonly charsPerDelta?: number;
}

export type CancelReason = 'client_cancelled' | 'turn_detected';

const eventNames = (ga: boolean) =>
  ga
    ? { audio: 'response.output_audio', transcript: 'response.output_audio_transcript', text: 'response.output_text' }
    : { audio: 'response.audio', transcript: 'response.audio_transcript', text: 'response.text' };

/**
 * One model response: response.created, output_item.added, conversation item, content_part.added,
 * paced deltas (a cancel between two deltas ends it), the .done events, output_item.done and
 * response.done with usage, then rate_limits.updated.
 */
export class RealtimeResponse {
  readonly id = newId('resp', '_');
  readonly itemId = newId('item', '_');
  private cancelReason: CancelReason | undefined;
  private finished = false;

  get done(): boolean {
    return this.finished;
  }

  /** Cancelled but still winding down (its .done events not sent yet). */
  get cancelling(): boolean {
    return this.cancelReason !== undefined && !this.finished;
  }

  cancel(reason: CancelReason): void {
    this.cancelReason ??= reason;
  }

  async run(io: ResponseIo, plan: ResponsePlan): Promise<void> {
    try {
      await this.stream(io, plan);
    } finally {
      this.finished = true;
    }
  }

  private async stream(io: ResponseIo, plan: ResponsePlan): Promise<void> {
    const ga = io.dialect === 'ga';
    const names = eventNames(ga);
    const modalities = plan.audio ? (ga ? ['audio'] : ['text', 'audio']) : ['text'];
    const ids = { response_id: this.id, item_id: this.itemId, output_index: 0, content_index: 0 };
    const responseBase: Json = { object: 'realtime.response', id: this.id, conversation_id: 'conv_fake', ...(ga ? { output_modalities: modalities } : { modalities }), ...(ga ? {} : { voice: plan.voice, output_audio_format: plan.outputFormat }), max_output_tokens: 'inf', metadata: null };
    const item: Json = { id: this.itemId, object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };

    io.send({ type: 'response.created', response: { ...responseBase, status: 'in_progress', status_details: null, output: [], usage: null } });
    io.send({ type: 'response.output_item.added', response_id: this.id, output_index: 0, item });
    io.send({ type: ga ? 'conversation.item.added' : 'conversation.item.created', previous_item_id: plan.previousItemId, item });
    io.send({ type: 'response.content_part.added', ...ids, part: plan.audio ? { type: 'audio', transcript: '' } : { type: 'text', text: '' } });

    const chars = plan.charsPerDelta ?? 4;
    let said = '';
    let deltas = 0;
    let audioMs = 0;
    const fault = plan.fault;
    for (const piece of splitText(plan.text, chars)) {
      if (this.cancelReason || !io.isOpen()) break;
      if (fault && deltas >= (fault.afterDeltas ?? 0)) break;
      said += piece;
      deltas++;
      if (plan.audio) {
        const ms = 25 * Array.from(piece).length;
        audioMs += ms;
        io.send({ type: `${names.audio}.delta`, ...ids, delta: sinePcm16(ms).toString('base64') });
        if (plan.transcript) io.send({ type: `${names.transcript}.delta`, ...ids, delta: piece });
      } else {
        io.send({ type: `${names.text}.delta`, ...ids, delta: piece });
      }
      await io.sleep(plan.deltaIntervalMs);
    }
    if (!io.isOpen()) return;

    let status = this.cancelReason ? 'cancelled' : 'completed';
    let details: Json | null = this.cancelReason ? { type: 'cancelled', reason: this.cancelReason } : null;
    if (fault && !this.cancelReason) {
      if (fault.error) io.send({ type: 'error', error: { type: 'server_error', code: null, param: null, event_id: null, ...fault.error } });
      if (fault.close !== undefined) {
        const close = typeof fault.close === 'number' ? { code: fault.close } : fault.close;
        return io.closeSocket(close.code, close.reason);
      }
      status = 'failed';
      details = { type: 'failed', error: { type: fault.error?.type ?? 'server_error', code: fault.error?.code ?? null, message: fault.error?.message } };
    }

    const contentType = plan.audio ? (ga ? 'output_audio' : 'audio') : ga ? 'output_text' : 'text';
    const part = plan.audio ? { type: 'audio', transcript: said } : { type: 'text', text: said };
    if (status === 'completed') {
      if (plan.audio) {
        io.send({ type: `${names.audio}.done`, ...ids });
        if (plan.transcript) io.send({ type: `${names.transcript}.done`, ...ids, transcript: said });
      } else io.send({ type: `${names.text}.done`, ...ids, text: said });
      io.send({ type: 'response.content_part.done', ...ids, part });
    }
    const doneItem = { ...item, status: status === 'completed' ? 'completed' : 'incomplete', content: [plan.audio ? { type: contentType, transcript: said } : { type: contentType, text: said }] };
    io.send({ type: 'response.output_item.done', response_id: this.id, output_index: 0, item: doneItem });
    if (ga) io.send({ type: 'conversation.item.done', previous_item_id: plan.previousItemId, item: doneItem });
    const textTokens = said ? countTokens(said) : 0;
    const audioTokens = Math.ceil(audioMs / 50);
    io.send({
      type: 'response.done',
      response: {
        ...responseBase,
        status,
        status_details: details,
        output: [doneItem],
        usage: {
          total_tokens: plan.inputTokens + textTokens + audioTokens,
          input_tokens: plan.inputTokens,
          output_tokens: textTokens + audioTokens,
          input_token_details: { cached_tokens: 0, text_tokens: plan.inputTokens, audio_tokens: 0 },
          output_token_details: { text_tokens: textTokens, audio_tokens: audioTokens },
        },
      },
    });
    io.send({
      type: 'rate_limits.updated',
      rate_limits: [
        { name: 'requests', limit: 5000, remaining: 4999, reset_seconds: 0.012 },
        { name: 'tokens', limit: 40000, remaining: 40000 - plan.inputTokens - textTokens, reset_seconds: 0.1 },
      ],
    });
  }
}
