import { ValidateIf, ValidationOptions, registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * Decorators of the settings PATCH bodies (SPEC §7). class-validator's `@IsOptional()` skips null as
 * well as a missing key, which let `{"visitorTokenTtlHours": null}` through into storage; these
 * distinguish the two:
 *
 * - `@Omittable()`: the key may be left out (it keeps its value); null is validated like any other
 *   value, so it is refused by the field's type check.
 * - `@OmittableOrNull()`: the key may be left out or be null, where null means the documented default.
 */
export function Omittable(): PropertyDecorator {
  return ValidateIf((_, value: unknown) => value !== undefined);
}

export function OmittableOrNull(): PropertyDecorator {
  return ValidateIf((_, value: unknown) => value !== undefined && value !== null);
}

/** A string with something in it besides whitespace. */
export function IsNotBlank(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isNotBlank',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: (args: ValidationArguments) => `${args.property} must not be empty or blank`, ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.trim() !== '',
      },
    });
  };
}
