import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AgentResultsClient } from '../bridge/agent-results.client';
import { TaskRegistryService } from '../tasks/task-registry.service';
import { toTaskUpdateEvent } from '../tasks/task-registry.types';

/** Every registry change goes to main as a `task_update` (spec §8.4): queued, running, progress, terminal. */
@Injectable()
export class TaskEventsForwarder implements OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly registry: TaskRegistryService,
    private readonly results: AgentResultsClient,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.registry.onChange((change) => {
      this.results.send(toTaskUpdateEvent(change));
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
