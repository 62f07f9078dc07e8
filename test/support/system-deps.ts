/// <reference types="jest" />
/**
 * Debian programs some tests need (chromium for browser use, Xvfb for computer use). `.ci/run`
 * installs them, so under CI a missing one fails the suite; on a developer machine without them
 * the suite is skipped with a warning that says what to install.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of `program` on PATH, or undefined. */
export function findProgram(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** `describe` when every program is present (or under CI, where their absence must fail), else `describe.skip`. */
export function describeWithPrograms(programs: readonly string[]): jest.Describe {
  const missing = programs.filter((p) => !findProgram(p));
  if (missing.length === 0 || process.env.CI) return describe;
  process.emitWarning(`skipping tests that need ${missing.join(', ')} (apt-get install ${missing.map(debianPackage).join(' ')})`);
  return describe.skip;
}

function debianPackage(program: string): string {
  return program === 'Xvfb' ? 'xvfb' : program;
}
