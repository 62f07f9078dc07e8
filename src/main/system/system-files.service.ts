import { Injectable } from '@nestjs/common';
import { promises as fs } from 'node:fs';
import { extname, isAbsolute, join, relative } from 'node:path';
import { AllowedRootsService } from '../files/allowed-roots.service';
import { isInside, PathGuard } from '../files/path-guard';
import { WorkshopConfigService } from '../workshop/workshop-config.service';
import { PREVIEW_IMAGE_NAMES } from '../workshop/workshop.const';

export const IMAGE_MIME: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.webp': 'image/webp',
};
const FIRST_IMAGE_MAX_BYTES = 1024 * 1024;
export const PROXY_IMAGE_MAX_BYTES = 50 * 1024 * 1024;

/** The raw value and up to `rounds` further URL-decodings (a malformed escape ends the chain). */
export function decodeRounds(raw: string, rounds: number): string[] {
  const out = [raw];
  for (let i = 0; i < rounds; i++) {
    try {
      const next = decodeURIComponent(out[out.length - 1]);
      if (next === out[out.length - 1]) break;
      out.push(next);
    } catch {
      break;
    }
  }
  return out;
}

/** `..`, NUL or backslash tricks in any decoding round. */
const suspicious = (variants: readonly string[]): boolean => variants.some((v) => PathGuard.isSuspicious(v));

export type FileExistsResult = 'bad' | boolean;
export type FirstImageResult = { readonly status: 400 | 403 } | { readonly status: 200; readonly imagePath: string | undefined };
export type ProxyImageResult =
  | { readonly kind: 'remote' }
  | { readonly kind: 'missing'; readonly shown: string }
  | { readonly kind: 'not_image' }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'ok'; readonly path: string; readonly size: number; readonly mime: string };

/**
 * The three file helpers of the system router (spec §3.10). The original's whitelists were the app
 * folders (and for file-exists none at all); ours is the same everywhere: the data folder, the
 * workshop folders and public/ (served as /static), checked on the real path by PathGuard.
 */
@Injectable()
export class SystemFilesService {
  constructor(
    private readonly roots: AllowedRootsService,
    private readonly workshop: WorkshopConfigService,
  ) {}

  /** true/false = is a regular file inside the allowed roots; 'bad' = empty or traversal (400). */
  async fileExists(raw: string | undefined): Promise<FileExistsResult> {
    if (!raw) return 'bad';
    const variants = decodeRounds(raw, 2);
    if (suspicious(variants)) return 'bad';
    const guard = await this.roots.guard();
    // Relative paths are taken from the workshop folder, the one the workshop manager browses.
    return (await guard.file(variants[1] ?? variants[0], await this.workshop.workshopPath())) !== undefined;
  }

  async findFirstImage(raw: string | undefined): Promise<FirstImageResult> {
    if (!raw) return { status: 400 };
    const variants = decodeRounds(raw, 1);
    if (suspicious(variants) || variants.some((v) => /\/\/|\\\\/.test(v))) return { status: 403 };
    const candidate = variants[variants.length - 1];
    const guard = await this.roots.guard();
    const base = await this.workshop.workshopPath();
    if ((await guard.resolve(candidate, base)) === undefined) return { status: 403 };
    const folder = await guard.directory(candidate, base);
    if (folder === undefined) return { status: 400 };
    for (const name of PREVIEW_IMAGE_NAMES) {
      const file = await guard.file(join(folder, name));
      if (file === undefined) continue;
      const stats = await fs.stat(file).catch(() => undefined);
      if (stats && stats.size < FIRST_IMAGE_MAX_BYTES) return { status: 200, imagePath: this.presentable(file) };
    }
    return { status: 200, imagePath: undefined };
  }

  /**
   * The original answered a path relative to its app root (e.g. `static/…`). Files of public/ keep
   * that form (`static/<rel>`, which /static serves and proxy-image accepts); files elsewhere (data
   * and workshop folders are outside the app here) are given as absolute paths, which the UI passes
   * back to proxy-image as it does for the paths of the local items.
   */
  private presentable(file: string): string {
    if (isInside(this.roots.publicDir, file)) return ['static', ...relative(this.roots.publicDir, file).split(/[\\/]/)].join('/');
    return file;
  }

  async proxyImage(raw: string): Promise<ProxyImageResult> {
    // `../static/…` is the one relative form the original accepted with `..`: it means public/.
    const variants = decodeRounds(raw, 2).map((v) => v.replace(/^\.\.[\\/](?=static[\\/])/, ''));
    const decoded = variants[variants.length - 1];
    if (/^https?:\/\//i.test(decoded)) return { kind: 'remote' };
    const shown = decoded.slice(0, 500);
    if (suspicious(variants)) return { kind: 'missing', shown };
    const path = await this.locateImage(decoded);
    if (path === undefined) return { kind: 'missing', shown };
    const mime = IMAGE_MIME[extname(path).toLowerCase()];
    if (mime === undefined) return { kind: 'not_image' };
    const stats = await fs.stat(path).catch(() => undefined);
    if (!stats) return { kind: 'missing', shown };
    if (stats.size > PROXY_IMAGE_MAX_BYTES) return { kind: 'too_large' };
    return { kind: 'ok', path, size: stats.size, mime };
  }

  /** The original's attempts in order: absolute; `static/…` (or `../static/…`) in public/; relative to the workshop folder. */
  private async locateImage(decoded: string): Promise<string | undefined> {
    const guard = await this.roots.guard();
    const normalised = decoded.replace(/\\/g, '/');
    if (isAbsolute(normalised)) return guard.file(normalised);
    const inStatic = /^(?:\.\/)?static\/(.+)$/.exec(normalised)?.[1];
    if (inStatic !== undefined) {
      const found = await AllowedRootsService.within(this.roots.publicDir).file(inStatic, this.roots.publicDir);
      if (found) return found;
    }
    return guard.file(normalised, await this.workshop.workshopPath());
  }
}
