/**
 * Finds a Chromium-family browser for the browser-use channel. puppeteer-core ships no browser, so
 * we use the one the user has: an explicit path, the usual environment variables, the programs on
 * PATH, then the places installers put Chrome, Chromium and Edge on Linux, macOS and Windows.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, posix, win32 } from 'node:path';

/** Environment variables read in this order (ours first, then puppeteer's and the common one). */
export const CHROMIUM_ENV_VARS = ['NEKO_CHROMIUM_PATH', 'PUPPETEER_EXECUTABLE_PATH', 'CHROME_PATH'] as const;

const PATH_PROGRAMS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge'];

export interface ChromiumLocateOptions {
  /** When set it is the only candidate: a configured path that is wrong must not be silently replaced. */
  readonly executablePath?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly homeDir?: string;
  /** Probe for "is a runnable file" (default: a regular file, executable on POSIX). */
  readonly isExecutable?: (path: string) => boolean;
}

/** Every candidate path in the order they are tried (environment variables, PATH, well-known places). */
export function chromiumCandidates(options: ChromiumLocateOptions = {}): string[] {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const candidates: string[] = [];
  for (const name of CHROMIUM_ENV_VARS) {
    const value = env[name]?.trim();
    if (value) candidates.push(value);
  }
  if (platform !== 'win32') {
    for (const dir of (env.PATH ?? '').split(delimiter)) {
      if (dir) for (const program of PATH_PROGRAMS) candidates.push(posix.join(dir, program));
    }
  }
  candidates.push(...wellKnownPaths(platform, env, options.homeDir ?? homedir()));
  return [...new Set(candidates)];
}

/** The first usable browser executable, or undefined (→ AGENT_BROWSER_USE_NOT_INSTALLED). */
export function locateChromium(options: ChromiumLocateOptions = {}): string | undefined {
  const platform = options.platform ?? process.platform;
  const usable = options.isExecutable ?? ((path: string) => isExecutableFile(path, platform));
  const explicit = options.executablePath?.trim();
  if (explicit) return usable(explicit) ? explicit : undefined;
  return chromiumCandidates(options).find((path) => usable(path));
}

function wellKnownPaths(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string[] {
  if (platform === 'darwin') {
    const apps = [
      'Google Chrome.app/Contents/MacOS/Google Chrome',
      'Chromium.app/Contents/MacOS/Chromium',
      'Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
      'Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary',
    ];
    return [...apps.map((a) => posix.join('/Applications', a)), ...apps.map((a) => posix.join(home, 'Applications', a))];
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES ?? env.ProgramFiles, env['PROGRAMFILES(X86)'] ?? env['ProgramFiles(x86)'], env.LOCALAPPDATA];
    const suffixes = [
      'Google\\Chrome\\Application\\chrome.exe',
      'Chromium\\Application\\chrome.exe',
      'Microsoft\\Edge\\Application\\msedge.exe',
    ];
    const out: string[] = [];
    for (const root of roots) if (root) for (const suffix of suffixes) out.push(win32.join(root, suffix));
    return out;
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
    '/opt/google/chrome/chrome',
    '/usr/bin/microsoft-edge',
    '/opt/microsoft/msedge/msedge',
  ];
}

function isExecutableFile(path: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** For messages: where the user can point us at a browser. */
export const CHROMIUM_HINT = `no Chromium, Chrome or Edge found; install one or set ${CHROMIUM_ENV_VARS[0]} (searched PATH and the usual install folders)`;
