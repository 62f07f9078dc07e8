import { Injectable } from '@nestjs/common';
import type { SessionManager } from '../sessions/session-manager';

const INPUT_TYPES = ['audio', 'screen', 'camera', 'text'] as const;

/** Said while this build has no realtime chat engine attached to the manager. */
export const CHAT_UNAVAILABLE = '实时对话功能尚未启用 (chat is not available in this build yet)';

/**
 * The client actions of spec §4.2. ping/pong, validation and unknown actions are answered here;
 * session work (start, stream, end, pause) goes to the manager's chat engine, which the chat
 * module attaches (SessionManager.chat). Without one the client is told so, once per action.
 */
@Injectable()
export class ChatActionRouter {
  async dispatch(manager: SessionManager, frame: unknown): Promise<void> {
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      await manager.send({ type: 'status', message: 'Server error: a frame must be a JSON object' });
      return;
    }
    const msg = frame as Record<string, unknown>;
    const action = msg.action;
    switch (action) {
      case 'ping':
        await manager.send({ type: 'pong' });
        return;
      case 'start_session': {
        const inputType = msg.input_type ?? 'audio';
        if (typeof inputType !== 'string' || !(INPUT_TYPES as readonly string[]).includes(inputType)) {
          await manager.send({ type: 'status', message: `Invalid input type: ${typeof inputType === 'string' ? inputType : JSON.stringify(inputType)}` });
          return;
        }
        await this.toEngine(manager, msg);
        return;
      }
      case 'stream_data':
      case 'end_session':
      case 'pause_session':
        await this.toEngine(manager, msg);
        return;
      default:
        await manager.send({ type: 'status', message: `Unknown action: ${String(action)}` });
    }
  }

  private async toEngine(manager: SessionManager, msg: Record<string, unknown>): Promise<void> {
    if (manager.chat) {
      await manager.chat(msg);
      return;
    }
    if (msg.action === 'start_session') await manager.send({ type: 'status', message: CHAT_UNAVAILABLE });
  }
}
