import { ApiProperty } from '@nestjs/swagger';
import { type PipeTransform } from '@nestjs/common';
import { IsString, MaxLength } from 'class-validator';
import { WireException } from '../../shared/http/wire.exception';
import { MAX_PAGE_NAME_LENGTH } from './pages.const';

/** `/{lanlan_name}`: the companion page for a named character. */
export class CompanionParamDto {
  @ApiProperty({ description: 'Character name (any single path segment; unknown names are switched by the chat socket)', maxLength: MAX_PAGE_NAME_LENGTH })
  @IsString()
  @MaxLength(MAX_PAGE_NAME_LENGTH)
  lanlan_name!: string;
}

/**
 * `?lanlan_name=` of a page (read again by the page's script). Validated on its own rather than
 * with a query DTO: pages must not refuse other query parameters (`?lang=`, `?model=`, a
 * bookmark's tracking tag…), which a whitelisting DTO would answer with 422.
 * Absent → undefined; repeated or longer than the bound → 422 `{"detail": [...]}` like FastAPI.
 */
export class PageNamePipe implements PipeTransform<unknown, string | undefined> {
  transform(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw PageNamePipe.invalid('lanlan_name must be a single string');
    if (value.length > MAX_PAGE_NAME_LENGTH) throw PageNamePipe.invalid(`lanlan_name must be at most ${MAX_PAGE_NAME_LENGTH} characters`);
    return value;
  }

  private static invalid(msg: string): WireException {
    return new WireException(422, { detail: [{ loc: ['query', 'lanlan_name'], msg, type: 'value_error' }] });
  }
}
