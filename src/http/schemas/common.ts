import { Type, type TSchema } from '@sinclair/typebox';

export const Uuid = Type.String({ format: 'uuid' });
export const DateTime = Type.String({ format: 'date-time' });
export const GroupId = Type.String({
  pattern: '^GROUP-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  description: 'The group that owns the resource; absent for project-scoped resources.',
});
export const Name = Type.String({ minLength: 3, maxLength: 64 });
export const Description = Type.String({ minLength: 0, maxLength: 512 });

export const ValidationErrorMessage = Type.Object({
  field: Type.String({ description: 'RFC 6901 JSON pointer to the offending field' }),
  invalidValue: Type.Optional(Type.Unknown()),
  message: Type.String(),
  code: Type.Optional(Type.String()),
});

export const ErrorMessage = Type.Object(
  {
    status: Type.Integer(),
    code: Type.String(),
    message: Type.String(),
    messageTemplate: Type.Optional(Type.String()),
    templateOptions: Type.Optional(Type.Record(Type.String(), Type.String())),
    errors: Type.Optional(Type.Array(ValidationErrorMessage)),
  },
  { $id: 'ErrorMessage', title: 'ErrorMessage' },
);

export const HrnResponse = Type.Object({ hrn: Type.String() });

/** `?verbose=true`: query strings are not type-coerced, so booleans arrive as text. */
export const BooleanText = Type.Union([Type.Literal('true'), Type.Literal('false')]);

/** Error responses of a route, as ErrorMessage, for the OpenAPI document. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const status of [401, 500, ...statuses]) out[status] = Type.Ref(ErrorMessage);
  return out;
}

export const PipelineIdParams = Type.Object({
  pipelineId: Type.String({ description: 'UUID or HRN of the pipeline', maxLength: 200 }),
});
