import { Module } from '@nestjs/common';
import { AgentAdaptersModule } from '../adapters/agent-adapters.module';
import { AgentBridgeModule } from '../bridge/agent-bridge.module';
import { AgentResultsModule } from '../bridge/agent-results.module';
import { createLlmDuplicateJudge } from '../dedupe/dedupe-llm.judge';
import { TaskDeduper } from '../dedupe/task.deduper';
import { AGENT_LLM, type AgentLlmPort } from '../llm/agent-llm.port';
import { AgentLlmModule } from '../llm/agent-llm.module';
import { AgentStateModule } from '../state/agent-state.module';
import { AgentTasksModule } from '../tasks/agent-tasks.module';
import { AnalyzePipelineService } from './analyze-pipeline.service';
import { TaskAnalyzerService } from './task-analyzer.service';
import { TaskEventsForwarder } from './task-events.forwarder';
import { TaskPlannerService } from './task-planner.service';
import { TaskResultAnalyzer } from './task-result.summary';
import { TaskRunnerService } from './task-runner.service';

/**
 * The task pipeline: analyze requests from the bridge inbox → analyzer → runner (deduper, queues, adapters,
 * planner) → task_update / task_result to main. The deduper's close calls go to the summary-tier judge.
 */
@Module({
  imports: [AgentStateModule, AgentTasksModule, AgentAdaptersModule, AgentLlmModule, AgentResultsModule, AgentBridgeModule],
  providers: [
    { provide: TaskDeduper, inject: [AGENT_LLM], useFactory: (llm: AgentLlmPort) => new TaskDeduper({ judge: createLlmDuplicateJudge(llm) }) },
    TaskAnalyzerService,
    TaskPlannerService,
    TaskResultAnalyzer,
    TaskRunnerService,
    TaskEventsForwarder,
    AnalyzePipelineService,
  ],
  exports: [TaskRunnerService, TaskAnalyzerService, TaskPlannerService, TaskResultAnalyzer, TaskDeduper, AnalyzePipelineService],
})
export class AgentPipelineModule {}
