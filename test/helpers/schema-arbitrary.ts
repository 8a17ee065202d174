import fc from 'fast-check';

/** The part of JSON Schema the service's OpenAPI document uses (TypeBox output). */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

export interface ArbitraryOptions {
  /** `#/components/schemas/X` → the schema X. */
  resolve(ref: string): JsonSchema;
  /** Real values for a property name (ids of things that exist), so a body can get past the lookups. */
  known?: Record<string, string[]>;
}

/** Any JSON value, small: what a wrong-typed field is replaced with. */
const anyJson = fc.jsonValue({ maxDepth: 2 });

/** Strings a store or a parser might mishandle. */
const hostileString = fc.constantFrom(
  'a\u0000b', '\u0000', '\uFFFF', '\uD800', '../../etc/passwd', '%00', '${jndi:ldap://127.0.0.1/x}', '__proto__',
  'x'.repeat(70_000), '\u202Eevil', '🐟'.repeat(40), ' ', '',
);

/**
 * Values for `schema`: mostly of its shape (so deep validation and handlers run), sometimes a
 * wrong type or a hostile string at any depth (so refusals are exercised field by field).
 */
export function arbitraryFor(schema: JsonSchema, options: ArbitraryOptions, name = '', depth = 0): fc.Arbitrary<unknown> {
  const shaped = shapedFor(schema, options, name, depth);
  if (depth > 4) return shaped;
  return fc.oneof({ weight: 12, arbitrary: shaped }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: hostileString });
}

function shapedFor(schema: JsonSchema, options: ArbitraryOptions, name: string, depth: number): fc.Arbitrary<unknown> {
  if (schema.$ref) return shapedFor(options.resolve(schema.$ref), options, name, depth);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => arbitraryFor(s, options, name, depth + 1)));
  if (schema.allOf) return arbitraryFor(Object.assign({}, ...schema.allOf), options, name, depth);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const known = options.known?.[name];
  switch (type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([key, inner]) => [key, arbitraryFor(inner, options, key, depth + 1)])),
        { requiredKeys: (schema.required ?? []).filter((key) => key in properties) },
      );
      if (!schema.additionalProperties || depth > 3) return record;
      const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {};
      const extras = fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'a\u0000', 'constructor')), arbitraryFor(extra, options, '', depth + 1), { maxKeys: 3 });
      return fc.tuple(record, extras).map(([a, b]) => ({ ...b, ...(a as object) }));
    }
    case 'array':
      return fc.array(arbitraryFor(schema.items ?? {}, options, name, depth + 1), { maxLength: 4 });
    case 'string': {
      const patterned = schema.pattern ? fc.stringMatching(new RegExp(schema.pattern)) : undefined;
      const sized = fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 300) });
      const formatted = schema.format === 'uuid' ? fc.uuid() : schema.format === 'date-time' ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) : undefined;
      return fc.oneof(...[known ? fc.constantFrom(...known) : undefined, patterned, formatted, sized].filter((a): a is fc.Arbitrary<string> => a !== undefined));
    }
    case 'integer':
      return fc.oneof(fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 }), fc.integer(), fc.constantFrom(2 ** 53, -(2 ** 53), 1e300));
    case 'number':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return anyJson;
  }
}
