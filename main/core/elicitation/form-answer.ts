/**
 * The values a user typed into a server's form (elicitation, form mode), checked against the
 * server's flat schema before they are sent: each field's type, enum membership, bounds, and the
 * required ones present. Fields the schema does not name are dropped. Pure; throws a sentence the
 * window shows.
 */
import type { ElicitationField } from '../../../common/contract';

export type FormValue = string | number | boolean | string[];

export class FormAnswerError extends Error {}

function label(name: string, field: ElicitationField): string {
  return field.title?.trim() || name;
}

function choices(field: ElicitationField): string[] | undefined {
  if (Array.isArray(field.enum)) return field.enum;
  if (Array.isArray(field.oneOf)) return field.oneOf.map((o) => o.const);
  return undefined;
}

function itemChoices(field: ElicitationField): string[] | undefined {
  if (Array.isArray(field.items?.enum)) return field.items.enum;
  if (Array.isArray(field.items?.anyOf)) return field.items.anyOf.map((o) => o.const);
  return undefined;
}

function checkOne(name: string, field: ElicitationField, value: unknown): FormValue {
  const what = label(name, field);
  switch (field.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw new FormAnswerError(`${what} must be yes or no.`);
      return value;
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new FormAnswerError(`${what} must be a number.`);
      if (field.type === 'integer' && !Number.isInteger(value)) throw new FormAnswerError(`${what} must be a whole number.`);
      if (field.minimum !== undefined && value < field.minimum) throw new FormAnswerError(`${what} must be at least ${field.minimum}.`);
      if (field.maximum !== undefined && value > field.maximum) throw new FormAnswerError(`${what} must be at most ${field.maximum}.`);
      return value;
    }
    case 'array': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new FormAnswerError(`${what} must be a list of choices.`);
      const allowed = itemChoices(field);
      const bad = allowed ? value.find((v) => !allowed.includes(v)) : undefined;
      if (bad !== undefined) throw new FormAnswerError(`"${bad}" is not one of the choices for ${what}.`);
      return value as string[];
    }
    default: {
      if (typeof value !== 'string') throw new FormAnswerError(`${what} must be text.`);
      const allowed = choices(field);
      if (allowed && !allowed.includes(value)) throw new FormAnswerError(`"${value}" is not one of the choices for ${what}.`);
      if (field.minLength !== undefined && value.length < field.minLength) throw new FormAnswerError(`${what} must be at least ${field.minLength} characters.`);
      if (field.maxLength !== undefined && value.length > field.maxLength) throw new FormAnswerError(`${what} must be at most ${field.maxLength} characters.`);
      if (field.format === 'email' && value && !/^[^\s@]+@[^\s@]+$/.test(value)) throw new FormAnswerError(`${what} must be an email address.`);
      return value;
    }
  }
}

/** The content to send: checked values of the schema's fields; throws FormAnswerError with what is wrong. */
export function checkFormAnswer(
  schema: { properties?: Record<string, ElicitationField>; required?: string[] } | undefined,
  content: Record<string, unknown> | undefined,
): Record<string, FormValue> {
  const properties = schema?.properties ?? {};
  const required = new Set(Array.isArray(schema?.required) ? schema.required : []);
  const out: Record<string, FormValue> = {};
  for (const [name, field] of Object.entries(properties)) {
    const value = content?.[name];
    const empty = value === undefined || value === null || value === '';
    if (empty) {
      if (required.has(name)) throw new FormAnswerError(`${label(name, field)} is required.`);
      continue;
    }
    out[name] = checkOne(name, field, value);
  }
  return out;
}
