import type { LlmSessionEvents } from '../llm/llm-session.port';
import { ChatStatus, autoCloseMicMessage, connectionErrorStatus } from './chat-status.const';
import type { ChatContext } from './chat-session.context';
import { TagStripper } from './stream-frame.validator';

/** What the reply output asks of the engine. */
export interface ReplyHooks {
  /** A line for the hot-swap cache (spec §5.7), kept only while a swap is being prepared. */
  cache(role: 'user' | 'assistant', text: string): void;
  /** After the `turn end` frame: hot-swap evaluation, waiting agent results. */
  turnEnded(): void;
  /** Fatal provider error or silence: end the session (by the server). */
  endByServer(): void;
}

/**
 * The callbacks of one provider conversation turned into what the user gets (spec §5.5): reply
 * text as `gemini_response`, speech, native audio as binary frames, barge-in, `turn end`, the
 * turn log and the analyzer. Events of a conversation that is not (or no longer) the attached one
 * — a hot-swap candidate, a closed session — are ignored.
 */
export class ReplyOutput implements LlmSessionEvents {
  attached = false;
  /** The next non-empty chunk opens a new bubble. */
  private bubblePending = false;
  /** The speech id the current reply speaks under; a reply overtaken by a newer turn is not spoken. */
  private replySpeechId = '';
  private readonly tags = new TagStripper();

  constructor(
    private readonly ctx: ChatContext,
    private readonly hooks: ReplyHooks,
  ) {}

  textDelta(text: string, isFirst: boolean): void {
    this.assistantText(text, isFirst, true);
  }

  outputTranscript(text: string, isFirst: boolean): void {
    this.assistantText(text, isFirst, false);
  }

  audioDelta(pcm24k: Buffer): void {
    const live = this.live();
    if (!live || live.useTts || pcm24k.length === 0) return;
    const resampler = (this.ctx.outResampler ??= this.ctx.deps.audio.resampler(24_000, 48_000));
    const epoch = this.ctx.audioEpoch;
    resampler.push(pcm24k).then(
      (pcm48k) => {
        if (epoch === this.ctx.audioEpoch && this.ctx.live === live) this.ctx.manager.sendAudio(pcm48k);
      },
      (err: unknown) => this.ctx.log.warn(`resampling provider audio for ${this.ctx.name} failed: ${String(err)}`),
    );
  }

  inputTranscript(text: string): void {
    const live = this.live();
    // Text mode: the engine logged the user's message itself when it sent it (not twice).
    if (!live || live.mode === 'text' || text.trim() === '') return;
    this.ctx.turnLog.user(text);
    void this.ctx.send({ type: 'user_transcript', text });
    this.hooks.cache('user', text);
    this.ctx.newSpeech();
  }

  /**
   * VAD heard the user start speaking (barge-in): the server stops sending the old reply's audio
   * (TTS dropped, native audio in flight ignored) and sends user_activity, which makes the browser
   * drop the seconds of audio it has queued — provider audio arrives faster than real time, so
   * waiting for speech_stopped (the original's only user_activity) would let the character talk
   * over the user until they pause. The UI only clears its audio on it; the second one at
   * speech_stopped (spec §5.5) is harmless.
   */
  speechStarted(): void {
    if (!this.live()) return;
    this.ctx.userSpeaking = true;
    this.ctx.silenceOutput();
    void this.ctx.send({ type: 'user_activity' });
  }

  newMessage(): void {
    if (!this.live()) return;
    this.ctx.userSpeaking = false;
    this.ctx.silenceOutput();
    void this.ctx.send({ type: 'user_activity' });
  }

  responseDone(): void {
    const live = this.live();
    if (!live) return;
    if (this.ctx.warmingUp) return;
    const tail = this.tags.flush();
    if (tail) this.emitText(tail);
    this.bubblePending = false;
    live.speech?.endUtterance();
    this.flushNativeAudio();
    this.ctx.manager.isResponding = false;
    void this.ctx.send({ type: 'system', data: 'turn end' });
    const messages = this.ctx.turnLog.turnEnd();
    const callbackTurn = this.ctx.agentCallbackTurn;
    this.ctx.agentCallbackTurn = false;
    // memory-and-agent §8.3: not for the turn in which the character spoke an agent result.
    if (!callbackTurn) this.ctx.analyze('turn_end', messages);
    this.hooks.turnEnded();
  }

  connectionError(message: string): void {
    if (!this.live()) return;
    void this.ctx.status(connectionErrorStatus(message));
    void this.ctx.status(ChatStatus.lostContact(this.ctx.name));
    this.hooks.endByServer();
  }

  notice(message: string): void {
    if (this.live()) void this.ctx.status(message);
  }

  repetition(): void {
    if (this.live()) void this.ctx.send({ type: 'repetition_warning', name: this.ctx.name });
  }

  silenceTimeout(): void {
    if (!this.live()) return;
    void this.ctx.send({ type: 'auto_close_mic', message: autoCloseMicMessage(this.ctx.name) });
    this.hooks.endByServer();
  }

  /** Text that did not come from the model's stream (proactive chat): same path as a reply. */
  speakText(text: string, isFirst: boolean): void {
    this.assistantText(text, isFirst, false);
  }

  private live() {
    const live = this.ctx.live;
    return this.attached && live !== undefined && live.output === this ? live : undefined;
  }

  private assistantText(text: string, isFirst: boolean, textMode: boolean): void {
    const live = this.live();
    if (!live) return;
    if (isFirst) {
      this.bubblePending = true;
      this.replySpeechId = this.ctx.speechId;
      this.tags.flush();
      this.ctx.manager.isResponding = true;
      // Spec §5.5: the first chunk of a new text reply drops whatever of the old one is still queued.
      if (textMode && live.useTts) live.speech?.interrupt();
    }
    const clean = this.tags.push(text);
    if (clean) this.emitText(clean);
  }

  private emitText(clean: string): void {
    const live = this.ctx.live;
    if (!live) return;
    void this.ctx.send({ type: 'gemini_response', text: clean, isNewMessage: this.bubblePending });
    this.bubblePending = false;
    this.ctx.turnLog.assistant(clean);
    this.hooks.cache('assistant', clean);
    if (live.useTts && this.replySpeechId === this.ctx.speechId) live.speech?.push(this.replySpeechId, clean);
  }

  private flushNativeAudio(): void {
    const resampler = this.ctx.outResampler;
    if (!resampler) return;
    const epoch = this.ctx.audioEpoch;
    const live = this.ctx.live;
    resampler.flush().then(
      (tail) => {
        if (tail.length > 4 && epoch === this.ctx.audioEpoch && this.ctx.live === live) this.ctx.manager.sendAudio(tail);
      },
      () => undefined,
    );
  }
}
