import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AgentResultsClient } from '../bridge/agent-results.client';
import { TaskRegistryService } from '../tasks/task-registry.service';
import { toTaskUpdateEvent } from '../tasks/task-registry.types';

/** A full results queue drops every update while main is away: logged on the first drop and every this many. */
const DROP_LOG_EVERY = 100;

/** Every registry change goes to main as a `task_update` (spec §8.4): queued, running, progress, terminal. */
@Injectable()
export class TaskEventsForwarder implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('TaskEvents');
  private unsubscribe: (() => void) | undefined;
  private dropped = 0;

  constructor(
    private readonly registry: TaskRegistryService,
    private readonly results: AgentResultsClient,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.registry.onChange((change) => {
      if (this.results.send(toTaskUpdateEvent(change))) return;
      if (this.dropped++ % DROP_LOG_EVERY === 0) this.logger.warn(`task_update dropped (results queue full or closed; ${this.dropped} so far)`);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
