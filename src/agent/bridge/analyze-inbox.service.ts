import { Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import type { AnalyzeRequestEvent } from '../../shared/contracts/agent-bridge.contract';

/**
 * Accepted analyze requests, in arrival order, after ack and de-duplication. The analyzer
 * pipeline subscribes here; the bridge never waits for it.
 */
@Injectable()
export class AnalyzeInboxService {
  private readonly subject = new Subject<AnalyzeRequestEvent>();
  readonly requests$: Observable<AnalyzeRequestEvent> = this.subject.asObservable();
  private received = 0;

  push(request: AnalyzeRequestEvent): void {
    this.received++;
    this.subject.next(request);
  }

  /** Accepted requests since start (for state and tests). */
  get count(): number {
    return this.received;
  }
}
