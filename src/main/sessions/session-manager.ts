/** A JSON text message for a character's WebSocket (spec §4.3), e.g. reload_page, catgirl_switched. */
export type ClientMessage = Record<string, unknown> & { type: string };

/** Sends one message on the character's current socket; false when it could not be delivered. */
export type SocketSender = (message: ClientMessage) => Promise<boolean>;

/**
 * Sends one binary audio frame (spec §4.4) on the current socket, without waiting; false when it
 * was not sent (no socket, closed, or the client is too slow and the frame was skipped).
 */
export type AudioSender = (chunk: Buffer) => boolean;

/** The agent switches the main side keeps per character (spec §3.9, plus V1's browser use). */
export interface ManagerAgentFlags {
  agent_enabled: boolean;
  computer_use_enabled: boolean;
  mcp_enabled: boolean;
  browser_use_enabled: boolean;
}

const AGENT_FLAGS_OFF: ManagerAgentFlags = { agent_enabled: false, computer_use_enabled: false, mcp_enabled: false, browser_use_enabled: false };

/**
 * One per defined character (spec §2.1/§5.1): the state the routers read and the hooks they call.
 * The chat gateway attaches the socket; the chat module (src/main/chat) attaches the engine that
 * drives the conversation (chat, onEndSession, deliverProactive).
 */
export class SessionManager {
  /** Running session (text or voice). */
  isActive = false;
  /** Running session is a realtime (voice) one. */
  isVoiceMode = false;
  /** The model is producing a reply right now. */
  isResponding = false;
  agentFlags: ManagerAgentFlags = { ...AGENT_FLAGS_OFF };
  /** Agent results waiting to be told at the next hot swap (spec §3.9 notify_task_result). */
  readonly pendingExtraReplies: string[] = [];
  /** The chat engine handling start/stream/end/pause frames (attached by the chat module). */
  chat: ((frame: Record<string, unknown>) => Promise<void>) | undefined;
  /**
   * Set by the chat module: speaks a proactive-chat reply through the running session (history,
   * speech id, TTS, `turn end`); resolves false when no session runs. Unset or false,
   * /api/proactive_chat sends plain `gemini_response` frames and `turn end` on the socket itself.
   */
  deliverProactive?: (text: string) => Promise<boolean>;
  private sender: SocketSender | undefined;
  private audioSender: AudioSender | undefined;
  private endHook: ((byServer: boolean) => Promise<void>) | undefined;

  constructor(
    readonly name: string,
    /** System prompt with {LANLAN_NAME}/{MASTER_NAME} filled in; refreshed on config changes. */
    public prompt: string,
    public voiceId: string,
  ) {}

  get hasSocket(): boolean {
    return this.sender !== undefined;
  }

  /** Called by the gateway when a socket becomes authoritative (or goes away: undefined). */
  attachSocket(sender: SocketSender | undefined, audioSender?: AudioSender): void {
    this.sender = sender;
    this.audioSender = sender === undefined ? undefined : audioSender;
  }

  /** A binary audio frame for the browser; dropped (false) without a socket or on a slow client. */
  sendAudio(chunk: Buffer): boolean {
    if (!this.audioSender || chunk.length <= 4) return false;
    return this.audioSender(chunk);
  }

  /** Called by the gateway with the routine that ends the running session. */
  onEndSession(hook: ((byServer: boolean) => Promise<void>) | undefined): void {
    this.endHook = hook;
  }

  /** Sends on the socket; a failed send forgets the socket (as N.E.K.O. does). */
  async send(message: ClientMessage): Promise<boolean> {
    const sender = this.sender;
    if (!sender) return false;
    const ok = await sender(message).catch(() => false);
    if (!ok && this.sender === sender) {
      this.sender = undefined;
      this.audioSender = undefined;
    }
    return ok;
  }

  async endSession(byServer: boolean): Promise<void> {
    if (this.endHook) await this.endHook(byServer);
    this.isActive = false;
    this.isVoiceMode = false;
    this.isResponding = false;
  }

  /** Only the known keys with boolean values are kept (spec §3.9). */
  updateAgentFlags(flags: Record<string, unknown>): void {
    for (const key of Object.keys(AGENT_FLAGS_OFF) as (keyof ManagerAgentFlags)[]) {
      const v = flags[key];
      if (typeof v === 'boolean') this.agentFlags[key] = v;
    }
  }

  resetAgentFlags(): void {
    this.agentFlags = { ...AGENT_FLAGS_OFF };
  }
}
