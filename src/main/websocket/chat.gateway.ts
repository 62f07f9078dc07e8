import { Logger } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import { CharactersService } from '../../shared/config/characters.service';
import { SessionRegistry } from '../sessions/session-registry.service';
import type { ClientMessage } from '../sessions/session-manager';
import { ChatActionRouter } from './chat-action.router';

/** Largest text frame accepted (a screen-share JPEG as a data URL is the biggest legitimate one). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/**
 * Audio frames are skipped while more than this is waiting in the socket's send buffer (≈ 10 s of
 * 48 kHz PCM): a slow or stalled client never makes the server's memory grow. JSON is never skipped.
 */
export const MAX_BUFFERED_AUDIO_BYTES = 1024 * 1024;
/** A client with this much unread in its send buffer is not reading at all: it is disconnected. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const ROUTE = /^\/ws\/([^/?#]+)/;

/**
 * `/ws/{lanlan_name}` (spec §4.1): accepts at once, sends an unknown name to the current character
 * (`catgirl_switched`), makes the newest socket per character the authoritative one, handles each
 * connection's frames strictly in order, and ends the character's session when its authoritative
 * socket goes away. What each action does is the ChatActionRouter's job.
 */
@WebSocketGateway({ path: '/ws/:lanlan_name', maxPayload: MAX_FRAME_BYTES })
export class ChatGateway implements OnGatewayConnection<WebSocket> {
  private readonly logger = new Logger(ChatGateway.name);
  /** session_id[name]: the UUID of the authoritative socket per character. */
  private readonly authoritative = new Map<string, string>();

  constructor(
    private readonly sessions: SessionRegistry,
    private readonly characters: CharactersService,
    private readonly actions: ChatActionRouter,
  ) {}

  async handleConnection(socket: WebSocket, request: IncomingMessage): Promise<void> {
    const name = ChatGateway.nameFrom(request.url);
    const manager = name === undefined ? undefined : this.sessions.get(name);
    if (name === undefined || !manager) {
      await this.redirectUnknown(socket, name ?? '');
      return;
    }
    const id = randomUUID();
    this.authoritative.set(name, id);
    const send = (message: ClientMessage): Promise<boolean> => ChatGateway.sendJson(socket, message);
    manager.attachSocket(send, (chunk) => ChatGateway.sendAudio(socket, chunk));
    let queue: Promise<void> = Promise.resolve();
    socket.on('message', (data: RawData, isBinary: boolean) => {
      queue = queue.then(() => this.onFrame(socket, name, id, data, isBinary)).catch((err: unknown) => this.logger.warn(`frame for ${name} failed: ${String(err)}`));
    });
    socket.on('close', () => {
      // Decided when the socket closes: a socket replaced by a newer one leaves the manager alone.
      const wasAuthoritative = this.authoritative.get(name) === id;
      if (wasAuthoritative) this.authoritative.delete(name);
      queue = queue.then(async () => {
        // A newer socket that connected meanwhile owns the manager now: never detach or end it.
        if (!wasAuthoritative || this.authoritative.has(name)) return;
        const current = this.sessions.get(name);
        if (!current) return;
        current.attachSocket(undefined);
        await current.endSession(true).catch(() => undefined);
      });
    });
  }

  private async onFrame(socket: WebSocket, name: string, id: string, data: RawData, isBinary: boolean): Promise<void> {
    const manager = this.sessions.get(name);
    if (!manager) {
      socket.close(1000);
      return;
    }
    if (this.authoritative.get(name) !== id) {
      // [QUIRK] fixed: the original told the *newer* socket; the replaced one is the one to inform.
      await ChatGateway.sendJson(socket, { type: 'status', message: '切换至另一个终端...' });
      socket.close(1000);
      return;
    }
    if (isBinary) {
      await manager.send({ type: 'status', message: 'Server error: binary frames are not accepted' });
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
    } catch (err) {
      // A malformed frame is answered, never fatal: the connection stays usable.
      await manager.send({ type: 'status', message: `Server error: ${(err as Error).message}` });
      return;
    }
    await this.actions.dispatch(manager, frame);
  }

  /** Unknown character: point the page at the current one, then close (spec §4.1 step 2). */
  private async redirectUnknown(socket: WebSocket, name: string): Promise<void> {
    const data = await this.characters.data();
    // [QUIRK] fixed: the original named the first configured character; 当前猫娘 is what the user chose.
    const target = data.currentName;
    if (target !== undefined) await ChatGateway.sendJson(socket, { type: 'catgirl_switched', new_catgirl: target, old_catgirl: name });
    setTimeout(() => socket.close(1000), 500).unref();
  }

  /** The decoded character name from `/ws/<name>`, or undefined when it is not a usable name. */
  static nameFrom(url: string | undefined): string | undefined {
    const raw = ROUTE.exec(url ?? '')?.[1];
    if (raw === undefined) return undefined;
    try {
      const name = decodeURIComponent(raw);
      return name.length > 0 && name.length <= 100 && !/[\\/\0]/.test(name) ? name : undefined;
    } catch {
      return undefined;
    }
  }

  /** One binary frame, fire and forget; skipped (false) when the client is not keeping up. */
  static sendAudio(socket: WebSocket, chunk: Buffer): boolean {
    if (socket.readyState !== socket.OPEN || socket.bufferedAmount > MAX_BUFFERED_AUDIO_BYTES) return false;
    socket.send(chunk, { binary: true }, () => undefined);
    return true;
  }

  static sendJson(socket: WebSocket, message: ClientMessage): Promise<boolean> {
    if (socket.readyState !== socket.OPEN) return Promise.resolve(false);
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.terminate();
      return Promise.resolve(false);
    }
    return new Promise((resolve) => socket.send(JSON.stringify(message), (err) => resolve(!err)));
  }
}
