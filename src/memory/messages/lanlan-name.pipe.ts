import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { codePointLength } from './chat-message';

/** V1 rule: trimmed, 1–50 characters, letters/digits/_/-/space/CJK/kana/hangul/brackets, no path tricks. */
// Python's \w is Unicode-aware (letters and digits of every script), hence \p{L}\p{N}.
const NAME_PATTERN = /^[\p{L}\p{N}\p{Mn}\p{Mc}_\-\s\u4e00-\u9fff\u3040-\u309f\u30a0-\u30ff\uac00-\ud7af()（）]+$/u;

export function validateLanlanName(raw: string): string {
  const name = raw.trim();
  if (codePointLength(name) < 1 || codePointLength(name) > 50) throw new BadRequestException('Invalid lanlan_name length');
  if (!NAME_PATTERN.test(name) || name.includes('/') || name.includes('\\') || name.includes('..')) {
    throw new BadRequestException('Invalid characters in lanlan_name');
  }
  return name;
}

/** Validates the `{lanlan_name}` path segment; 400 {"detail": ...} as V1 does. */
export class LanlanNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    return validateLanlanName(value);
  }
}
