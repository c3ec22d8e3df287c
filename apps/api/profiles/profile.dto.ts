import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { TicketSummaryDto } from '../tickets/ticket.dto.js';

export class ProfileDto {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ type: [String], description: 'Lower-cased' }) emails!: string[];
  @ApiProperty({ type: [String], description: 'E.164' }) phones!: string[];
  @ApiProperty({ type: [String], description: 'Ids the account\'s integrations know the person by' }) externalIds!: string[];
  @ApiProperty({ description: 'Known only from web chat, without an email: joined to the email\'s profile once the visitor gives one' }) anonymous!: boolean;
  @ApiProperty({ nullable: true, type: String, enum: ['marketing', 'transactional', 'none'], description: 'SMS consent of the first phone number (SPEC §9)' })
  smsConsent!: 'marketing' | 'transactional' | 'none' | null;
  @ApiProperty() ticketCount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ProfileListDto {
  @ApiProperty({ type: [ProfileDto] }) profiles!: ProfileDto[];
}

export class ProfileSearchQuery {
  @ApiProperty({ description: 'A phone number (any format), an email or external id (or its beginning), or part of a name' })
  @IsString() @IsNotEmpty() @MaxLength(200) q!: string;
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

export class ProfileTicketsQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsString() @MaxLength(500) cursor?: string;
  @ApiPropertyOptional({ default: 25, minimum: 1, maximum: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

export class ProfileTicketsDto {
  @ApiProperty({ description: 'How many tickets the profile has' }) total!: number;
  @ApiProperty({ type: [TicketSummaryDto], description: 'Newest first' }) tickets!: TicketSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class UpdateProfileBody {
  @ApiPropertyOptional({ description: 'An empty name clears it' }) @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ description: 'An email the person also uses (409 identifier_taken when another profile holds it)' })
  @IsOptional() @IsEmail() @MaxLength(320) email?: string;
  @ApiPropertyOptional({ description: 'A phone number the person also uses, in any format (stored as E.164)' }) @IsOptional() @IsString() @MaxLength(50) phone?: string;
}
