import { Injectable, Logger } from '@nestjs/common';
import type { ClientMessage } from '../sessions/session-manager';
import { SessionRegistry } from '../sessions/session-registry.service';

/** What the characters and config routers do to running sessions (spec §3.1/§3.2). */
@Injectable()
export class CharacterSessionsService {
  private readonly logger = new Logger(CharacterSessionsService.name);

  constructor(readonly registry: SessionRegistry) {}

  /** Active and in a realtime (voice) session. */
  isVoiceActive(name: string | undefined): boolean {
    const mgr = name === undefined ? undefined : this.registry.get(name);
    return mgr !== undefined && mgr.isActive && mgr.isVoiceMode;
  }

  /**
   * When the character's session is active: tell its page to reload (`reload_page` with the
   * given text), then end the session by the server. Returns whether a session was ended.
   */
  async restart(name: string, message: string): Promise<boolean> {
    const mgr = this.registry.get(name);
    if (!mgr?.isActive) return false;
    if (mgr.hasSocket) await mgr.send({ type: 'reload_page', message });
    try {
      await mgr.endSession(true);
      return true;
    } catch (err) {
      this.logger.error(`ending the session of ${name} failed: ${String(err)}`);
      return false;
    }
  }

  /** Every active session: reload_page first, then end them all; returns how many ended. */
  async restartAll(message: string): Promise<number> {
    const active = this.registry.all().filter((m) => m.isActive);
    for (const m of active) if (m.hasSocket) await m.send({ type: 'reload_page', message });
    let ended = 0;
    for (const m of active) {
      try {
        await m.endSession(true);
        ended += 1;
      } catch (err) {
        this.logger.error(`ending the session of ${m.name} failed: ${String(err)}`);
      }
    }
    return ended;
  }

  async sendTo(name: string, message: ClientMessage): Promise<void> {
    await this.registry.get(name)?.send(message);
  }

  /** initialize_character_data(): managers follow characters.json (waits until done). */
  reload(): Promise<void> {
    return this.registry.reload();
  }
}
