import { Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import type { AnalyzeRequestEvent } from '../../shared/contracts/agent-bridge.contract';

/**
 * Accepted analyze requests, in arrival order, after the ack and the event-id check (a resent event_id is
 * not pushed again; same texts under a new id are the pipeline's concern). The analyzer pipeline
 * subscribes here; the bridge never waits for it.
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

  /** Requests pushed since start. Only tests read it (no answer or state shows it): it tells what the bridge let through. */
  get count(): number {
    return this.received;
  }
}
