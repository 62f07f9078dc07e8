import { Controller, Get, HttpCode, NotFoundException, Optional, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TaskRunnerService } from '../pipeline/task-runner.service';
import { TaskActionLog } from '../tasks/task-action.log';
import { TaskRegistryService } from '../tasks/task-registry.service';
import { ACTIVE_STATUSES, TaskRegistryError, TERMINAL_STATUSES, type TaskView } from '../tasks/task-registry.types';
import { CancelAnswerDto, TaskDetailAnswerDto, TaskListAnswerDto } from './agent-http-answers.dto';
import { httpErrorOf } from './agent-http.errors';

/** Upper bound of GET /tasks (the registry keeps at most 200 active + 500 finished tasks). */
export const MAX_LISTED_TASKS = 1000;

/** A registry task in the `/tasks` row shape of spec §8.5 (plus the §8.4 progress fields). */
export function taskRow(task: TaskView): Record<string, unknown> {
  const finished = TERMINAL_STATUSES.includes(task.status);
  return { ...task, params: task.params ?? {}, result: finished && typeof task.message === 'string' ? task.message : null, error: task.error ?? null, source: 'runtime' };
}

/** The task registry over HTTP (spec §8.5): list, one task with its action log, cancel. */
@ApiTags('tasks')
@Controller('tasks')
export class AgentTasksController {
  constructor(
    private readonly registry: TaskRegistryService,
    private readonly runner: TaskRunnerService,
    @Optional() private readonly actions?: TaskActionLog,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Tasks, newest first, with debug counts' })
  @ApiOkResponse({ type: TaskListAnswerDto })
  list(): Record<string, unknown> {
    const tasks = this.registry.list({ limit: MAX_LISTED_TASKS }).map(taskRow);
    return { tasks, debug: { task_registry_count: this.registry.size, total_returned: tasks.length } };
  }

  @Get(':task_id')
  @ApiParam({ name: 'task_id' })
  @ApiOperation({ summary: 'One task with the actions its channel reported' })
  @ApiOkResponse({ type: TaskDetailAnswerDto })
  @ApiResponse({ status: 404, description: '{"detail": "task not found"}' })
  one(@Param('task_id') id: string): Record<string, unknown> {
    const task = this.registry.get(id);
    if (!task) throw new NotFoundException('task not found');
    return { ...taskRow(task), actions: this.actions?.list(id) ?? [] };
  }

  @Post(':task_id/cancel')
  @HttpCode(200)
  @ApiParam({ name: 'task_id' })
  @ApiOperation({ summary: 'Cancel a queued or running task (its channel run is aborted)' })
  @ApiOkResponse({ type: CancelAnswerDto })
  @ApiResponse({ status: 404, description: '{"detail": "task not found"}' })
  cancel(@Param('task_id') id: string): Record<string, unknown> {
    const task = this.registry.get(id);
    if (!task) throw new NotFoundException('task not found');
    if (!ACTIVE_STATUSES.includes(task.status)) return { success: false, error: 'task is not active' };
    try {
      const cancelled = this.runner.cancel(id);
      return { success: true, task_id: id, status: cancelled.status };
    } catch (err) {
      // Finished between the check and the cancel.
      if (err instanceof TaskRegistryError && err.code === 'TASK_ILLEGAL_TRANSITION') return { success: false, error: 'task is not active' };
      throw httpErrorOf(err);
    }
  }
}
