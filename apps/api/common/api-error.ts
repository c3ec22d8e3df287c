import { HttpException, HttpStatus } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Seconds a client is told to wait (`Retry-After`) before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** The one error shape of the API. */
export class ApiErrorBody {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'validation_failed', description: 'Stable machine-readable code' }) error!: string;
  @ApiProperty({ example: 'snoozeUntil must be in the future' }) message!: string;
  @ApiPropertyOptional({ example: 'snoozeUntil', description: 'The request field at fault, when there is one' }) field?: string;
}

export class ApiError extends HttpException {
  /** `details`: fields an error adds to the shape, documented by its own DTO (e.g. `changes` of conversation_changed). */
  constructor(status: HttpStatus, code: string, message: string, field?: string, details?: Record<string, unknown>) {
    const body: ApiErrorBody = { statusCode: status, error: code, message, ...(field ? { field } : {}), ...details };
    super(body, status);
  }

  static badRequest(message: string, field?: string): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', message, field);
  }
  static forbidden(message: string): ApiError {
    return new ApiError(HttpStatus.FORBIDDEN, 'forbidden', message);
  }
  static notFound(message: string): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, 'not_found', message);
  }
  static conflict(code: string, message: string): ApiError {
    return new ApiError(HttpStatus.CONFLICT, code, message);
  }
  static unsupportedMediaType(message: string): ApiError {
    return new ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported_media_type', message, 'content-type');
  }
  static unavailable(message: string): ApiError {
    return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'service_unavailable', message);
  }
}
