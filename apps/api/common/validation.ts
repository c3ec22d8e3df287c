import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { isStorableText } from '../../../libs/persistence/storable-text.js';
import { ApiError } from './api-error.js';

/** Deeper request bodies are refused before anything walks them recursively (class-transformer, class-validator). */
export const MAX_INPUT_DEPTH = 32;

/** Constraints that say what type a value must have; checked before any format or length. */
const TYPE_CONSTRAINTS = new Set([
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  'isDate',
  'nestedValidation',
  'whitelistValidation',
]);
/** Constraints about size, reported last: a value of the wrong type or format has no meaningful length. */
const LENGTH_CONSTRAINTS = new Set(['maxLength', 'minLength', 'length', 'arrayMaxSize', 'arrayMinSize', 'max', 'min']);

function rank(name: string): number {
  if (TYPE_CONSTRAINTS.has(name)) return 0;
  if (name === 'isNotEmpty' || name === 'isDefined') return 1;
  if (LENGTH_CONSTRAINTS.has(name)) return 3;
  return 2;
}

/**
 * The one message of a field's failed constraints that means something: a missing value is "required",
 * a value of the wrong type says the type, then format, then length (class-validator reports them in
 * decorator order, which puts MaxLength before IsString).
 */
function meaningfulMessage(error: ValidationError, field: string): string {
  const constraints = error.constraints ?? {};
  const names = Object.keys(constraints);
  if (error.value === undefined && !names.includes('whitelistValidation')) return `${field} is required`;
  if (error.value === null && !names.includes('whitelistValidation')) return `${field} must not be null`;
  const [first] = names.sort((a, b) => rank(a) - rank(b));
  if (first === 'nestedValidation') return `${field} must be an object`;
  return constraints[first!]!.replace(error.property, field);
}

function firstProblem(errors: ValidationError[], prefix = ''): { field: string; message: string } | undefined {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints && Object.keys(error.constraints).length > 0) return { field, message: meaningfulMessage(error, field) };
    const nested = firstProblem(error.children ?? [], field);
    if (nested) return nested;
  }
  return undefined;
}

/** Whether the value nests objects or arrays deeper than `limit` (iterative, so it cannot overflow the stack itself). */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}

/**
 * The path of the first string PostgreSQL cannot store (NUL, an unpaired UTF-16 surrogate), in a body or a
 * query, or undefined. Keys count too: they may become JSON keys of a stored document.
 */
export function firstUnstorableText(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path || 'body';
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (!isStorableText(key)) return childPath;
    const found = firstUnstorableText(child, childPath);
    if (found) return found;
  }
  return undefined;
}

/** The global pipe: depth and storable text first, then class-validator's checks as one clear 400. */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if ((metadata.type === 'body' || metadata.type === 'query') && nestedDeeperThan(value, MAX_INPUT_DEPTH)) {
      throw ApiError.badRequest(`the request ${metadata.type === 'body' ? 'body' : 'query'} nests deeper than ${MAX_INPUT_DEPTH} levels`);
    }
    const field = this.unstorableField(value, metadata);
    if (field) throw ApiError.badRequest(`${field} contains a character that cannot be stored (NUL or an unpaired UTF-16 surrogate)`, field);
    return super.transform(value, metadata);
  }

  /**
   * A named path or query parameter is checked as it is; a body or query is checked only as a declared
   * request shape (a DTO class): a plain record (a signed webhook's form) is the handler's to clean.
   */
  private unstorableField(value: unknown, metadata: ArgumentMetadata): string | undefined {
    if (metadata.type === 'custom') return undefined;
    if (metadata.data && typeof value === 'string') return isStorableText(value) ? undefined : metadata.data;
    if ((metadata.type === 'body' || metadata.type === 'query') && this.toValidate(metadata)) return firstUnstorableText(value);
    return undefined;
  }
}

/** Validates and converts request bodies and queries; the first problem becomes a 400 naming the field. */
export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Every error keeps its value: a missing one (undefined) is reported as required.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => {
      const problem = firstProblem(errors);
      return problem ? ApiError.badRequest(problem.message, problem.field) : ApiError.badRequest('Invalid request');
    },
  });
}
