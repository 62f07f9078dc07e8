import { Module } from '@nestjs/common';
import { TaskActionLog } from './task-action.log';
import { TaskRegistryService } from './task-registry.service';

/** The agent's task registry and the per-task action log (one instance each for the whole process). */
@Module({ providers: [TaskRegistryService, TaskActionLog], exports: [TaskRegistryService, TaskActionLog] })
export class AgentTasksModule {}
