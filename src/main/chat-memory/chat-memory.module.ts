import { Module } from '@nestjs/common';
import { PeerClientsModule } from '../clients/peer-clients.module';
import { CHAT_MEMORY } from './chat-memory.port';
import { ChatMemoryService } from './chat-memory.service';
import { MemoryOutboxService } from './memory-outbox.service';

/**
 * The chat engine's memory side (CHAT_MEMORY) and the durable outbox that delivers its reports to
 * the memory server; ChatMemoryService is exported by class too (flushFor before a rename).
 * Needs ConfigModule (RUNTIME_ENV, DATA_FOLDER, CharactersService) in the app.
 */
@Module({
  imports: [PeerClientsModule],
  providers: [MemoryOutboxService, ChatMemoryService, { provide: CHAT_MEMORY, useExisting: ChatMemoryService }],
  exports: [CHAT_MEMORY, ChatMemoryService, MemoryOutboxService],
})
export class ChatMemoryModule {}
