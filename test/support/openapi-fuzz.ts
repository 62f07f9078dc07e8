import fc from 'fast-check';

/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface OpenApiDoc {
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components?: { readonly schemas?: Record<string, Schema> };
}

export interface OpenApiOperation {
  readonly parameters?: ReadonlyArray<{ name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema }>;
  readonly requestBody?: { content?: Record<string, { schema?: Schema }> };
}

export interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly properties?: Record<string, Schema>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
}

export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly json?: unknown;
}

/** Strings that have broken servers before: traversal in every spelling, NUL, huge, odd Unicode. */
export function hostileStrings(outsideFile: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      '..', '../..', '../../../../etc/passwd', '..%2F..%2Fconfig%2Fcore_config.json', '%2e%2e/%2e%2e/', '%252e%252e%252f',
      '..\\..\\config', 'a/../../b', '/etc/passwd', outsideFile, `${outsideFile}\0.png`, 'C:\\Windows\\win.ini', '\0', '',
      ' ', 'undefined', 'null', '小天', 'Luna', 'mao_pro', 'local_1', '3012345678', '-1', '1e309', '<script>alert(1)</script>',
      '\u202e\u0000\ud800', 'x'.repeat(5000), 'recent_小天.json', 'recent_../x.json', 'file:///etc/passwd', 'http://127.0.0.1:1/x.png',
    ),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
  );
}

function deref(doc: OpenApiDoc, schema: Schema | undefined): Schema | undefined {
  if (!schema?.$ref) return schema;
  return doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')];
}

/** A value that fits the schema (roughly: validators should mostly accept it). */
export function validValue(doc: OpenApiDoc, raw: Schema | undefined, strings: fc.Arbitrary<string>, depth = 0): fc.Arbitrary<unknown> {
  const schema = deref(doc, raw);
  if (!schema || depth > 4) return fc.jsonValue({ maxDepth: 2 });
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      return strings;
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100000 });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(doc, schema.items, strings, depth + 1), { maxLength: 4 });
    default: {
      const props = Object.entries(schema.properties ?? {});
      if (props.length === 0) return fc.dictionary(strings, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 });
      const shape = Object.fromEntries(props.map(([k, v]) => [k, validValue(doc, v, strings, depth + 1)]));
      return fc.record(shape, { requiredKeys: [...(schema.required ?? [])] as never[] });
    }
  }
}

/** encodeURIComponent, with lone surrogates (which it refuses) sent as U+FFFD. */
function encodeSegment(value: string): string {
  return encodeURIComponent(value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

/** Valid-shaped and garbage requests for one operation of the document. */
export function requestsFor(doc: OpenApiDoc, path: string, method: string, op: OpenApiOperation, strings: fc.Arbitrary<string>): fc.Arbitrary<FuzzRequest> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  const valueOf = (s: Schema | undefined) => fc.oneof(validValue(doc, s, strings), strings);
  return fc
    .record({
      pathValues: fc.tuple(...pathParams.map(() => strings)),
      query: fc.tuple(...queryParams.map((p) => fc.option(valueOf(p.schema), { nil: undefined }))),
      body: fc.oneof(validValue(doc, bodySchema, strings), fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined)),
    })
    .map(({ pathValues, query, body }) => {
      let url = path;
      pathParams.forEach((p, i) => (url = url.replace(`{${p.name}}`, encodeSegment(String(pathValues[i])))));
      const qs = new URLSearchParams();
      queryParams.forEach((p, i) => {
        const v = query[i];
        if (v !== undefined) qs.set(p.name, typeof v === 'string' ? v : JSON.stringify(v));
      });
      const q = qs.toString();
      return { method: method.toUpperCase(), path: q ? `${url}?${q}` : url, ...(method === 'get' || body === undefined ? {} : { json: body }) };
    });
}
