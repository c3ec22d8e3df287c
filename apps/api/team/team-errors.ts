import { HttpStatus } from '@nestjs/common';
import { TeamError } from '../../../libs/accounts/team-access.service.js';
import { ApiError } from '../common/api-error.js';

const STATUS: Record<TeamError['kind'], HttpStatus> = {
  invalid: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
};

/** Runs a team operation, turning its refusals into the one error shape. */
export async function asApiErrors<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof TeamError) throw new ApiError(STATUS[error.kind], error.code, error.message, error.field);
    throw error;
  }
}
