import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { characterNameProblem } from '../../shared/config/character-name';

/** V1 rule (shared with main's characters router): trimmed, 1–50 characters, a safe file-name part. */
export function validateLanlanName(raw: string): string {
  const name = raw.trim();
  const problem = characterNameProblem(name);
  if (problem === 'length') throw new BadRequestException('Invalid lanlan_name length');
  if (problem === 'characters') throw new BadRequestException('Invalid characters in lanlan_name');
  return name;
}

/** Validates the `{lanlan_name}` path segment; 400 {"detail": ...} as V1 does. */
export class LanlanNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    return validateLanlanName(value);
  }
}
