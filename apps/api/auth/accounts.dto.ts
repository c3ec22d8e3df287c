import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../../../libs/domain/access.js';

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Ada Lovelace' }) name!: string;
  @ApiProperty({ example: 'ada@example.com' }) email!: string;
  @ApiProperty({ enum: ROLES, description: 'Only owner, admin, manager and support may use the inbox' }) role!: Role;
}

export class AccountSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Acme' }) name!: string;
}

export class MeDto {
  @ApiProperty({ type: UserDto }) user!: UserDto;
  @ApiProperty({ type: AccountSummaryDto }) account!: AccountSummaryDto;
}

export class TeamUserDto extends UserDto {
  @ApiProperty({ enum: ['active', 'deactivated'] }) status!: 'active' | 'deactivated';
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Last authenticated request (to the minute)' }) lastActiveAt!: string | null;
}

export class UserListDto {
  @ApiProperty({ type: [TeamUserDto] }) users!: TeamUserDto[];
}
