import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { AUDIT_ACTIONS, type AuditAction } from '../../../libs/accounts/audit-log.js';
import { ROLES, type Role } from '../../../libs/domain/access.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../libs/domain/team-rules.js';
import { AccountSummaryDto, TeamUserDto, UserDto } from '../auth/accounts.dto.js';
import { IsDateTime } from '../common/date-time.validator.js';

export class SignInBody {
  @ApiProperty({ example: 'ada@example.com', maxLength: 320 }) @IsString() @IsNotEmpty() @MaxLength(320) email!: string;
  @ApiProperty({ maxLength: 1024, description: 'Checked as typed' }) @IsString() @IsNotEmpty() @MaxLength(1024) password!: string;
  @ApiPropertyOptional({ description: 'Needed only when the email and password fit users of several accounts' }) @IsOptional() @IsString() @MaxLength(200) accountId?: string;
}

export class SessionDto {
  @ApiProperty({ type: UserDto }) user!: UserDto;
  @ApiProperty({ type: AccountSummaryDto }) account!: AccountSummaryDto;
  @ApiProperty({ description: 'Also set as the inbox_csrf cookie: send it as X-CSRF-Token on POST, PUT, PATCH and DELETE' }) csrfToken!: string;
  @ApiProperty({ format: 'date-time', description: 'The absolute expiry; the session also ends after 12 h without a request' }) expiresAt!: string;
}

export class PasswordResetBody {
  @ApiProperty({ maxLength: 320 }) @IsString() @IsNotEmpty() @MaxLength(320) email!: string;
}

export class PasswordResetConfirmBody {
  @ApiProperty({ description: 'The token of the emailed link' }) @IsString() @IsNotEmpty() @MaxLength(200) token!: string;
  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH }) @IsString() @MaxLength(1024) password!: string;
}

export class InvitationBody {
  @ApiProperty({ maxLength: 320 }) @IsString() @IsNotEmpty() @MaxLength(320) email!: string;
  @ApiProperty({ enum: ROLES, description: 'Only an owner may invite an owner' }) @IsIn(ROLES) role!: Role;
}

export class InvitationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class AcceptInvitationBody {
  @ApiProperty({ description: 'The token of the emailed link' }) @IsString() @IsNotEmpty() @MaxLength(200) token!: string;
  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH }) @IsString() @MaxLength(1024) password!: string;
}

export class RoleChangeBody {
  @ApiProperty({ enum: ROLES, description: 'Only an owner may promote to or demote from owner' }) @IsIn(ROLES) role!: Role;
}

export { TeamUserDto as TeamMemberDto };

export class TokenBody {
  @ApiProperty({ maxLength: 200, example: 'laptop script' }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Refused from then on; no expiry when left out' }) @IsOptional() @IsDateTime() expiresAt?: string;
}

export class TokenDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The first 12 characters, to tell tokens apart (null for tokens made before it was kept)' }) prefix!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
}

export class IssuedTokenDto extends TokenDto {
  @ApiProperty({ description: 'The bearer token itself, shown only in this answer' }) token!: string;
}

export class TokenListDto {
  @ApiProperty({ type: [TokenDto] }) tokens!: TokenDto[];
}

export class AuditLogQuery {
  @ApiPropertyOptional({ enum: AUDIT_ACTIONS }) @IsOptional() @IsIn(AUDIT_ACTIONS) action?: AuditAction;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) actorUserId?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'From this instant (inclusive)' }) @IsOptional() @IsDateTime() from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Before this instant' }) @IsOptional() @IsDateTime() to?: string;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @Matches(/^\d{1,18}$/) cursor?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: AUDIT_ACTIONS }) action!: AuditAction;
  @ApiProperty({ nullable: true, type: String }) actorUserId!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'user:3f1c…' }) target!: string | null;
  @ApiProperty({ description: 'What changed; secrets are masked', type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AuditLogDto {
  @ApiProperty({ type: [AuditEntryDto] }) entries!: AuditEntryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next (older) page; null on the last page' }) nextCursor!: string | null;
}
