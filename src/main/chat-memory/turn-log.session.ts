import type { AnalyzerMessage, TurnLog } from './chat-memory.port';
import type { OutboxKind } from './memory-outbox.store';
import { normaliseReply, timestampPrefix } from './turn-text.format';

/** A message as main sends it in `input_history` (spec §8.2). */
export interface HistoryMessage {
  readonly role: 'user' | 'assistant';
  readonly content: ReadonlyArray<{ readonly type: 'text'; readonly text: string }>;
}

/** Writes one report durably (the outbox); rejects when it could not be written. */
export type ReportSink = (kind: OutboxKind, inputHistory: string) => Promise<void>;

/** Most messages kept between two reports (a report that could not be written is retried with the next one). */
export const MAX_HISTORY_MESSAGES = 2000;
/** Messages handed to the agent analyzer after a turn (spec §8.2). */
const ANALYZER_MESSAGES = 6;

const message = (role: HistoryMessage['role'], text: string): HistoryMessage => ({ role, content: [{ type: 'text', text }] });

/**
 * The conversation log of one character since its last report (N.E.K.O.'s sync connector,
 * spec main-server.md §8.2): user utterances wait in a cache until the assistant starts to
 * answer; the reply gets a timestamp prefix and is normalised at turn end.
 */
export class TurnLogSession implements TurnLog {
  private history: HistoryMessage[] = [];
  private userCache = '';
  private output: string | undefined;

  constructor(
    private readonly report: ReportSink,
    private readonly onError: (err: Error) => void,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  user(text: string): void {
    if (text === '') return;
    this.userCache = this.userCache === '' ? text : `${this.userCache}\n${text}`;
  }

  assistant(text: string): void {
    if (this.output === undefined) {
      this.flushUser();
      this.output = timestampPrefix(this.clock());
    }
    this.output += text;
  }

  turnEnd(): AnalyzerMessage[] {
    this.flushOutput();
    return this.analyzerMessages();
  }

  async renew(): Promise<void> {
    this.flushOutput();
    this.flushUser();
    await this.send('renew');
  }

  async sessionEnd(): Promise<AnalyzerMessage[]> {
    this.flushOutput();
    this.flushUser();
    const analyzer = this.history.some((m) => m.role === 'user') ? this.analyzerMessages() : [];
    await this.send('process');
    return analyzer;
  }

  /** Messages not reported yet (tests, diagnostics). */
  snapshot(): readonly HistoryMessage[] {
    return this.history;
  }

  /** Texts of this log (context that recall need not repeat). */
  texts(): string {
    return [...this.history.map((m) => m.content[0].text), this.userCache, this.output ?? ''].join('\n');
  }

  private flushUser(): void {
    if (this.userCache === '') return;
    this.append(message('user', this.userCache));
    this.userCache = '';
  }

  private flushOutput(): void {
    if (this.output === undefined) return;
    const text = normaliseReply(this.output);
    this.output = undefined;
    if (text !== undefined) this.append(message('assistant', text));
  }

  private append(m: HistoryMessage): void {
    this.history.push(m);
    if (this.history.length > MAX_HISTORY_MESSAGES) this.history.splice(0, this.history.length - MAX_HISTORY_MESSAGES);
  }

  private analyzerMessages(): AnalyzerMessage[] {
    return this.history.slice(-ANALYZER_MESSAGES).map((m) => ({ role: m.role, content: m.content[0].text }));
  }

  /** Hands the history to the outbox and clears it; when it cannot be written it is kept for the next report. */
  private async send(kind: OutboxKind): Promise<void> {
    if (this.history.length === 0) return;
    const sent = this.history;
    this.history = [];
    try {
      await this.report(kind, JSON.stringify(sent, null, 2));
    } catch (err) {
      this.history = [...sent, ...this.history].slice(-MAX_HISTORY_MESSAGES);
      this.onError(err as Error);
    }
  }
}
