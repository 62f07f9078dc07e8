import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { createValidationPipe } from '../shared/http/validation.pipe';
import { MemoryAdminController } from './admin/memory-admin.controller';
import { MemoryAdminService } from './admin/memory-admin.service';
import { MemoryBrowseController } from './browse/memory-browse.controller';
import { MemoryBrowseService } from './browse/memory-browse.service';
import type { BootContext } from '../shared/config/config.tokens';
import { ConfigModule } from '../shared/config/config.module';
import { FastApiErrorsFilter } from '../shared/http/fastapi-errors.filter';
import { HealthModule } from '../shared/http/health.controller';
import { CHAT_MODEL } from './compression/chat-model.port';
import { FactExtractor } from './compression/fact-extractor.service';
import { HistoryCompressor } from './compression/history-compressor.service';
import { OpenAiChatModelAdapter } from './compression/openai-chat-model.adapter';
import { CLOCK } from './dialog/clock.token';
import { NewDialogService } from './dialog/new-dialog.service';
import { IngestService } from './ingest/ingest.service';
import { KeyedMutex } from './locks/keyed-mutex';
import { RecentMemoryRepository } from './recent/recent-memory.repository';
import { ReviewService } from './review/review.service';
import { QueryRewriter } from './search/query-rewriter.service';
import { RecallService } from './search/recall.service';
import { RelatednessLexicon } from './relatedness/relatedness.lexicon';
import { EMBEDDING } from './embedding/embedding.port';
import { ConfiguredEmbedding } from './embedding/provider.embedding';
import { SemanticIndexer } from './semantic/semantic-indexer.service';
import { VectorStoreRepository } from './semantic/vector-store.repository';
import { WRITE_LOCKS } from './review/write-locks.token';
import { SettingsService } from './settings/settings.service';
import { TimeIndexRepository } from './time-index/time-index.repository';
import { MemoryWireController } from './wire/memory-wire.controller';

/** Entry module of the memory process (port 48912). Loads no TTS, chat or agent code. */
@Module({})
export class MemoryAppModule {
  static register(ctx: BootContext): DynamicModule {
    return {
      module: MemoryAppModule,
      imports: [ConfigModule.forRoot(ctx), HealthModule.register({ service: 'memory', instanceId: ctx.instanceId })],
      controllers: [MemoryWireController, MemoryAdminController, MemoryBrowseController],
      providers: [
        { provide: APP_FILTER, useClass: FastApiErrorsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        MemoryBrowseService,
        MemoryAdminService,
        { provide: WRITE_LOCKS, useValue: new KeyedMutex() },
        { provide: CLOCK, useValue: () => new Date() },
        { provide: CHAT_MODEL, useClass: OpenAiChatModelAdapter },
        RecentMemoryRepository,
        TimeIndexRepository,
        SettingsService,
        HistoryCompressor,
        FactExtractor,
        ReviewService,
        IngestService,
        NewDialogService,
        RecallService,
        QueryRewriter,
        RelatednessLexicon,
        VectorStoreRepository,
        SemanticIndexer,
        { provide: EMBEDDING, useClass: ConfiguredEmbedding },
      ],
    };
  }
}
