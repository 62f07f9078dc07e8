import { randomUUID } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import type { AudioPool, StreamResampler } from '../audio/audio-pool.port';
import type { AgentBridgeClient } from '../agent-bridge/agent-bridge.client';
import type { ChatMemory, TurnLog } from '../chat-memory/chat-memory.port';
import type { LlmMode, LlmSession, LlmSessionFactory } from '../llm/llm-session.port';
import type { ClientMessage, SessionManager } from '../sessions/session-manager';
import type { SpeechOutput, SpeechOutputFactory } from '../tts/speech-output.port';
import type { ChatTimings } from '../../shared/config/env.schema';
import { PendingFrames } from './pending-frames.store';
import type { ReplyOutput } from './reply-output.handler';
import type { AgentResult } from './session-prompt.builder';
import { StartFailureTracker } from './start-failure.tracker';

/** What every character's engine uses (one set for the whole process). */
export interface ChatEngineDeps {
  readonly llm: LlmSessionFactory;
  readonly speech: SpeechOutputFactory;
  readonly audio: AudioPool;
  readonly memory: ChatMemory;
  readonly agent: Pick<AgentBridgeClient, 'requestAnalysis'>;
  /** The master's name as characters.json says now. */
  readonly masterName: () => Promise<string>;
  readonly timings: ChatTimings;
  readonly logger: Logger;
}


/** The running conversation of a character. */
export interface LiveSession {
  readonly llm: LlmSession;
  /** Its events side; `attached` = its output reaches the user. */
  readonly output: ReplyOutput;
  readonly mode: LlmMode;
  readonly useTts: boolean;
  readonly speech: SpeechOutput | undefined;
  /** For the hot-swap age (spec §5.7); reset by a swap. */
  readonly startedAt: number;
  /** Recall de-duplication key (ChatMemory.recall); a swap starts a new one. */
  readonly sessionKey: string;
}

/** A start in progress; `cancelled` when end_session (or a newer start) overtook it. */
export interface StartToken {
  readonly mode: LlmMode;
  cancelled: boolean;
}

/** Agent results waiting for a session (bounded). */
export const MAX_WAITING_AGENT_RESULTS = 20;
/** A speech_started whose speech_stopped never came stops counting after this long. */
export const MAX_SPEAKING_MS = 30_000;
/** pendingExtraReplies kept for the next hot swap (bounded). */
export const MAX_EXTRA_REPLIES = 20;

/**
 * The mutable state of one character's chat (spec §5.1), shared by the engine's parts: the start
 * runner, the reply output, the hot swap and the agent-result delivery.
 */
export class ChatContext {
  live: LiveSession | undefined;
  starting: StartToken | undefined;
  readonly pending = new PendingFrames();
  /** current_speech_id: new per user turn; TTS audio of another id is not sent. */
  speechId = randomUUID();
  /** Bumped on barge-in: native audio still being resampled for an older epoch is dropped. */
  audioEpoch = 0;
  /** 48 kHz → 16 kHz for the microphone, 24 kHz → 48 kHz for native provider audio (per session). */
  micResampler: StreamResampler | undefined;
  outResampler: StreamResampler | undefined;
  /** The reply being produced reports agent results: its turn end sends no analyze_request. */
  agentCallbackTurn = false;
  /** Voice warm-up in progress: its responseDone is not a turn. */
  warmingUp = false;
  /** Provider VAD: when the user started speaking (0 = not speaking). */
  private speakingSince = 0;
  readonly failures: StartFailureTracker;
  readonly agentResults: AgentResult[] = [];
  /** conversation_id of the analyze requests (memory-and-agent §8.3): new for every session start. */
  conversationId = randomUUID().replaceAll('-', '');

  constructor(
    readonly manager: SessionManager,
    readonly deps: ChatEngineDeps,
  ) {
    this.failures = new StartFailureTracker(deps.timings.startCooldownMs);
  }

  /** The user is talking (speech_started without speech_stopped; a lost stop counts for 30 s at most). */
  get userSpeaking(): boolean {
    return this.speakingSince > 0 && Date.now() - this.speakingSince < MAX_SPEAKING_MS;
  }

  set userSpeaking(speaking: boolean) {
    this.speakingSince = speaking ? Date.now() : 0;
  }

  get name(): string {
    return this.manager.name;
  }

  get turnLog(): TurnLog {
    return this.deps.memory.turnLog(this.name);
  }

  get log(): Logger {
    return this.deps.logger;
  }

  /** A JSON message on the character's socket; never throws. */
  send(message: ClientMessage): Promise<boolean> {
    return this.manager.send(message).catch(() => false);
  }

  status(message: string): Promise<boolean> {
    return this.send({ type: 'status', message });
  }

  newSpeech(): string {
    this.speechId = randomUUID();
    return this.speechId;
  }

  /** Barge-in: the reply's audio stops at once (TTS queue dropped, native audio in flight ignored). */
  silenceOutput(): void {
    this.live?.speech?.interrupt();
    this.audioEpoch += 1;
    const resampler = this.outResampler;
    if (resampler) void resampler.flush().catch(() => undefined);
  }

  /** Fire and forget: the agent analyzer (memory-and-agent §8.3); the bridge only logs failures. */
  analyze(trigger: 'turn_end' | 'session_end', messages: ReadonlyArray<{ role: 'user' | 'assistant'; content: string }>): void {
    if (messages.length === 0) return;
    void this.deps.agent
      .requestAnalysis({ trigger, lanlan_name: this.name, messages: [...messages], conversation_id: this.conversationId })
      .catch((err: unknown) => this.log.warn(`analyze_request for ${this.name} failed: ${String(err)}`));
  }
}
