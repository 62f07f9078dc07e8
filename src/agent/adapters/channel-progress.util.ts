/**
 * The progress callback every channel adapter hands its work: a listener that throws must not end
 * the task, and messages (some written by models or MCP servers) are bounded.
 */
import { boundText, type ChannelExecuteOptions, type ChannelProgress } from './agent-channel.port';

/** Default bound of one progress message, in characters. */
export const PROGRESS_MESSAGE_CHARS = 200;

export type ProgressReport = (progress: ChannelProgress) => void;

/** Wraps `onProgress` (may be undefined): errors are swallowed, messages cut to `maxChars`. */
export function progressReporter(onProgress: ChannelExecuteOptions['onProgress'], maxChars: number = PROGRESS_MESSAGE_CHARS): ProgressReport {
  return (p) => {
    if (!onProgress) return;
    try {
      onProgress(p.message !== undefined ? { ...p, message: boundText(p.message, maxChars) } : p);
    } catch {
      // ignored on purpose: progress is informational
    }
  };
}
