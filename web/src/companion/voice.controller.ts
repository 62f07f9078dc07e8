/**
 * The voice half of the conversation once the server said the voice session started: the
 * microphone streams 10 ms frames as `stream_data{audio}` and, while the screen is shared, one
 * picture a second goes along (spec §4.6 "Voice start").
 */
import { MicCapture } from '../audio/mic.capture';
import { api } from '../core/api';
import type { ChatSocket } from './chat-socket.client';
import type { ScreenShare } from './screen-share';

const SCREEN_EVERY_MS = 1000;

export class VoiceController {
  private readonly mic: MicCapture;
  private screenTimer: ReturnType<typeof setInterval> | undefined;
  private deviceId: string | undefined | null = null;
  /** Bumped by end(): a begin() still reading the saved microphone then does not open it. */
  private run = 0;

  constructor(
    private readonly socket: ChatSocket,
    private readonly screen: ScreenShare,
    onLevel: (level: number) => void,
  ) {
    this.mic = new MicCapture((frame) => this.socket.send({ action: 'stream_data', data: Array.from(frame), input_type: 'audio' }), onLevel);
  }

  /** Opens the microphone (the one chosen in settings, if any) and starts streaming. */
  async begin(): Promise<void> {
    const run = ++this.run;
    const device = await this.savedMicrophone();
    if (run !== this.run) return;
    await this.mic.start(device);
    this.syncScreen();
  }

  end(): void {
    this.run += 1;
    this.mic.stop();
    clearInterval(this.screenTimer);
    this.screenTimer = undefined;
  }

  /** Starts or stops the per-second screen frames to match the share and the microphone. */
  syncScreen(): void {
    const want = this.mic.running && this.screen.active;
    if (want && this.screenTimer === undefined) {
      this.screenTimer = setInterval(() => this.sendScreenFrame(), SCREEN_EVERY_MS);
      this.sendScreenFrame();
    } else if (!want && this.screenTimer !== undefined) {
      clearInterval(this.screenTimer);
      this.screenTimer = undefined;
    }
  }

  /** One picture of the shared screen, if there is one. */
  sendScreenFrame(): void {
    const data = this.screen.capture();
    if (data) this.socket.send({ action: 'stream_data', data, input_type: this.screen.inputType });
  }

  /** `当前麦克风` of the settings, read once per page (an error means the default device). */
  private async savedMicrophone(): Promise<string | undefined> {
    if (this.deviceId === null) {
      const saved = await api.get<{ microphone_id?: unknown }>('/api/characters/get_microphone').catch(() => undefined);
      this.deviceId = typeof saved?.microphone_id === 'string' && saved.microphone_id !== '' ? saved.microphone_id : undefined;
    }
    return this.deviceId;
  }
}
