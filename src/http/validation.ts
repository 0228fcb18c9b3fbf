/**
 * Zod as Fastify's validator, so a failed parse becomes our typed InvalidInput naming the
 * field; the OpenAPI document comes from the same schemas (docs.ts).
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { ZodType } from 'zod';
import { AppError, InvalidInput } from '../errors.js';
import { describeIssue } from '../schemas/inputs.js';

export const zodValidatorCompiler: FastifySchemaCompiler<ZodType> =
  ({ schema }) =>
  (data) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    return { error: new InvalidInput(describeIssue(result.error)) };
  };

/** A JSON parser that treats an empty body as no body (v2's PATCH close sends none). */
export function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    throw new AppError('INVALID_JSON');
  }
}
