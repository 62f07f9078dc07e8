import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Subject, type Subscription } from 'rxjs';
import { CharactersService } from '../../shared/config/characters.service';
import { characterPrompt, type CharacterData } from '../../shared/config/characters.types';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { SessionManager, type ClientMessage } from './session-manager';

/** What changed, for sessions that listen (the chat issue restarts or refreshes on these). */
export type ConfigChange =
  | { readonly kind: 'characters' }
  | { readonly kind: 'core_config' }
  | { readonly kind: 'voice'; readonly name: string }
  | { readonly kind: 'current_character'; readonly from: string | undefined; readonly to: string };

/**
 * One SessionManager per defined character, kept in step with characters.json
 * (N.E.K.O.'s initialize_character_data, spec §2.2): new characters get a manager, active
 * managers are refreshed in place (prompt, voice) and never replaced, removed characters' managers
 * end their session and go. Also the one place routers reach sessions through.
 */
@Injectable()
export class SessionRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SessionRegistry.name);
  private readonly managers = new Map<string, SessionManager>();
  private readonly changes = new Subject<ConfigChange>();
  readonly changes$ = this.changes.asObservable();
  private subscriptions: Subscription[] = [];
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly characters: CharactersService,
    private readonly coreConfig: CoreConfigService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.subscriptions = [
      this.characters.changes$.subscribe(() => {
        void this.reload().then(() => this.changes.next({ kind: 'characters' }));
      }),
      this.coreConfig.changes$.subscribe(() => this.changes.next({ kind: 'core_config' })),
    ];
  }

  onModuleDestroy(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.changes.complete();
  }

  get(name: string): SessionManager | undefined {
    return this.managers.get(name);
  }

  names(): string[] {
    return [...this.managers.keys()];
  }

  all(): SessionManager[] {
    return [...this.managers.values()];
  }

  /** Tells listening sessions something changed (voice, current character …). */
  notify(change: ConfigChange): void {
    this.changes.next(change);
  }

  /** Sends the message on every manager's socket; returns how many were delivered. */
  async broadcast(message: ClientMessage): Promise<number> {
    const sent = await Promise.all(this.all().map((m) => m.send(message)));
    return sent.filter(Boolean).length;
  }

  /** Re-reads characters.json and brings the managers in line; serialised. */
  reload(): Promise<void> {
    const run = this.syncing.then(() => this.sync());
    this.syncing = run.catch((err: unknown) => this.logger.error(`character reload failed: ${String(err)}`));
    return run;
  }

  private async sync(): Promise<void> {
    const data: CharacterData = await this.characters.data();
    for (const name of data.names) {
      const prompt = characterPrompt(data, name);
      const voiceId = String(data.characters[name]?.voice_id ?? '');
      const existing = this.managers.get(name);
      if (existing) {
        // Active or not, the manager keeps its socket and state; only its settings follow the file.
        existing.prompt = prompt;
        existing.voiceId = voiceId;
      } else {
        this.managers.set(name, new SessionManager(name, prompt, voiceId));
      }
    }
    for (const [name, manager] of this.managers) {
      if (data.names.includes(name)) continue;
      if (manager.isActive) await manager.endSession(true).catch(() => undefined);
      this.managers.delete(name);
    }
  }
}
