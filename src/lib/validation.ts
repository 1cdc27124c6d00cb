import { z } from "@hono/zod-openapi";
import type { Text } from "./language";
import { ApiError, type FieldError } from "./problem";

type Target = "json" | "query" | "param" | "header" | "form" | "cookie";
type Issue = z.core.$ZodIssue;

/**
 * zod reports a missing field and a field of the wrong type with the same code; only the
 * raw issue (seen here, before zod drops the input) tells them apart. Schemas never pass
 * an error message to a type constructor (`z.email()`), only to checks (`.regex()`), so
 * this marker survives to the hook on every missing field.
 */
const MISSING = "missing";
z.config({
  customError: (issue) =>
    issue.code === "invalid_type" && issue.input === undefined ? MISSING : undefined,
});

/**
 * The messages of our own checks, keyed by name: a check passes the key as its message
 * (`.regex(/\S/, message("blank"))`) and the validation hook writes it out for a person,
 * in their language, naming the field.
 */
const checkMessages = {
  blank: (f) => ({ en: `${f} must not be blank`, es: `${f} no puede estar en blanco` }),
  controlCharacters: (f) => ({
    en: `${f} must not contain control characters`,
    es: `${f} no puede contener caracteres de control`,
  }),
  loneSurrogate: (f) => ({
    en: `${f} must be valid Unicode text`,
    es: `${f} debe ser texto Unicode válido`,
  }),
  phone: (f) => ({
    en: `${f} must be a phone number such as +57 601 555 0100`,
    es: `${f} debe ser un teléfono como +57 601 555 0100`,
  }),
  currencyFormat: (f) => ({
    en: `${f} must be an ISO 4217 code such as COP`,
    es: `${f} debe ser un código ISO 4217 como COP`,
  }),
  currencyUnknown: (f) => ({
    en: `${f} is not an ISO 4217 currency`,
    es: `${f} no es una moneda ISO 4217`,
  }),
  nitFormat: (f) => ({
    en: `${f} must be a NIT of 6 to 10 digits with an optional check digit, such as 800.197.268-4`,
    es: `${f} debe ser un NIT de 6 a 10 dígitos con dígito de verificación opcional, como 800.197.268-4`,
  }),
  nitCheckDigit: (f) => ({
    en: `${f} has a wrong check digit`,
    es: `${f} tiene un dígito de verificación incorrecto`,
  }),
  gtinFormat: (f) => ({
    en: `${f} must be a GTIN of 8, 12, 13 or 14 digits`,
    es: `${f} debe ser un GTIN de 8, 12, 13 o 14 dígitos`,
  }),
  gtinCheckDigit: (f) => ({
    en: `${f} has a wrong check digit`,
    es: `${f} tiene un dígito de control incorrecto`,
  }),
  sku: (f) => ({
    en: `${f} must be 1 to 64 letters, digits or . _ -`,
    es: `${f} debe tener de 1 a 64 letras, dígitos o . _ -`,
  }),
  establishmentCode: (f) => ({
    en: `${f} must be letters, digits or . _ / -, starting with a letter or digit`,
    es: `${f} debe tener letras, dígitos o . _ / -, y empezar por una letra o un dígito`,
  }),
  publicUrl: (f) => ({
    en: `${f} must be a public https:// URL`,
    es: `${f} debe ser una URL pública https://`,
  }),
  idempotencyKey: (f) => ({
    en: `${f} must be 1 to 255 printable ASCII characters`,
    es: `${f} debe tener de 1 a 255 caracteres ASCII imprimibles`,
  }),
  headerValue: (f) => ({
    en: `${f} must be 1 to 1024 printable ASCII characters`,
    es: `${f} debe tener de 1 a 1024 caracteres ASCII imprimibles`,
  }),
  capturedAt: (f) => ({
    en: `${f} must be an RFC 3339 time such as 2026-11-27T14:05:00.000Z`,
    es: `${f} debe ser una hora RFC 3339 como 2026-11-27T14:05:00.000Z`,
  }),
  batchPath: (f) => ({
    en: `${f} must be a path under /api/v1/ of letters, digits and . _ ~ - with no query string, and not /api/v1/batch or /api/v1/auth/…`,
    es: `${f} debe ser una ruta bajo /api/v1/ de letras, dígitos y . _ ~ - sin query string, y no /api/v1/batch ni /api/v1/auth/…`,
  }),
  jsonDepth: (f) => ({
    en: `${f} must not nest more than 32 levels deep`,
    es: `${f} no puede anidar más de 32 niveles`,
  }),
  nationalId: (f) => ({
    en: `${f} must be 4 to 20 letters, digits or dashes`,
    es: `${f} debe tener de 4 a 20 letras, dígitos o guiones`,
  }),
  passwordPolicy: (_f, broken) => ({ en: broken.en!, es: broken.es! }),
  auditAction: (f) => ({
    en: `${f} must be an action such as user.role_changed`,
    es: `${f} debe ser una acción como user.role_changed`,
  }),
  entityType: (f) => ({
    en: `${f} must be an entity type such as establishment`,
    es: `${f} debe ser un tipo de entidad como establishment`,
  }),
  uuidv7: (f) => ({
    en: `${f} must be a UUIDv7 such as 0193b6e3-0b1c-7d2e-8f3a-4b5c6d7e8f90`,
    es: `${f} debe ser un UUIDv7 como 0193b6e3-0b1c-7d2e-8f3a-4b5c6d7e8f90`,
  }),
  requestId: (f) => ({
    en: `${f} must be 1 to 128 letters, digits or . _ -`,
    es: `${f} debe tener de 1 a 128 letras, dígitos o . _ -`,
  }),
  rowCursor: (f) => ({
    en: `${f} must be the nextCursor of the previous page`,
    es: `${f} debe ser el nextCursor de la página anterior`,
  }),
  sinceBeforeUntil: () => ({
    en: "until must be later than since",
    es: "until debe ser posterior a since",
  }),
  someField: () => ({
    en: "Send at least one field to change",
    es: "Envíe al menos un campo para cambiar",
  }),
  coordinatesTogether: () => ({
    en: "Send latitude and longitude together",
    es: "Envíe latitude y longitude juntas",
  }),
  placeTogether: () => ({
    en: "Send department and city together",
    es: "Envíe department y city juntos",
  }),
  unknownDepartment: (f, { value }) => ({
    en: `${f}: "${value}" is not a department of Colombia (a DANE DIVIPOLA name or 2-digit code)`,
    es: `${f}: "${value}" no es un departamento de Colombia (un nombre o código de 2 dígitos de la DIVIPOLA del DANE)`,
  }),
  unknownCity: (f, { value, department }) => ({
    en: `${f}: "${value}" is not a municipality of ${department} (a DANE DIVIPOLA name or 5-digit code)`,
    es: `${f}: "${value}" no es un municipio de ${department} (un nombre o código de 5 dígitos de la DIVIPOLA del DANE)`,
  }),
  unknownPlace: (f, { value }) => ({
    en: `${f}: "${value}" is not a municipality of Colombia (a DANE DIVIPOLA name or 5-digit code)`,
    es: `${f}: "${value}" no es un municipio de Colombia (un nombre o código de 5 dígitos de la DIVIPOLA del DANE)`,
  }),
} satisfies Record<string, (field: string, params: Record<string, string>) => Text>;

export type MessageKey = keyof typeof checkMessages;

/** One of our checks' messages, for an error a handler raises after a lookup. */
export const checkMessage = (key: MessageKey, field: string, params: Record<string, string> = {}) =>
  checkMessages[key](field, params);

/** The message of one of our checks: `.regex(pattern, message("phone"))`. */
export const message = (key: MessageKey): string => key;

const isMessageKey = (text: string): text is MessageKey => Object.hasOwn(checkMessages, text);

const typeNames: Record<string, Text> = {
  string: { en: "text", es: "un texto" },
  number: { en: "a number", es: "un número" },
  int: { en: "a whole number", es: "un número entero" },
  boolean: { en: "true or false", es: "true o false" },
  object: { en: "an object", es: "un objeto" },
  array: { en: "a list", es: "una lista" },
  null: { en: "null", es: "null" },
};

const formatNames: Record<string, Text> = {
  email: { en: "an email address", es: "un correo electrónico" },
  url: { en: "a URL", es: "una URL" },
  datetime: {
    en: "a date and time such as 2026-11-26T21:05:42Z",
    es: "una fecha y hora como 2026-11-26T21:05:42Z",
  },
  date: { en: "a date such as 2026-11-26", es: "una fecha como 2026-11-26" },
  uuid: { en: "a UUID", es: "un UUID" },
};

const sizeUnits: Record<string, Text> = {
  string: { en: "characters", es: "caracteres" },
  array: { en: "items", es: "elementos" },
  set: { en: "items", es: "elementos" },
};

const list = (values: readonly unknown[]) => values.map((value) => String(value)).join(", ");

/** `field must …` / `field debe …`: the two halves of most messages. */
const must = (field: string, en: string, es: string): Text => ({
  en: `${field} must ${en}`,
  es: `${field} debe ${es}`,
});

function bound(issue: Extract<Issue, { code: "too_small" | "too_big" }>, field: string): Text {
  const small = issue.code === "too_small";
  const limit = String(small ? issue.minimum : issue.maximum);
  const unit = sizeUnits[issue.origin];
  if (unit) {
    if (small && limit === "1")
      return { en: `${field} must not be empty`, es: `${field} no puede estar vacío` };
    const how = issue.exact
      ? { en: "exactly", es: "exactamente" }
      : small
        ? { en: "at least", es: "al menos" }
        : { en: "at most", es: "como máximo" };
    return must(field, `have ${how.en} ${limit} ${unit.en}`, `tener ${how.es} ${limit} ${unit.es}`);
  }
  const inclusive = issue.inclusive !== false;
  if (small)
    return inclusive
      ? must(field, `be at least ${limit}`, `ser mayor o igual que ${limit}`)
      : must(field, `be greater than ${limit}`, `ser mayor que ${limit}`);
  return inclusive
    ? must(field, `be at most ${limit}`, `ser menor o igual que ${limit}`)
    : must(field, `be less than ${limit}`, `ser menor que ${limit}`);
}

/** One issue, in words a person understands, in both languages. */
function describeIssue(issue: Issue, field: string): Text {
  if (isMessageKey(issue.message)) {
    const params = (issue.code === "custom" ? issue.params : undefined) ?? {};
    return checkMessages[issue.message](field, params as Record<string, string>);
  }
  switch (issue.code) {
    case "invalid_type": {
      if (issue.message === MISSING)
        return { en: `${field} is required`, es: `${field} es obligatorio` };
      const type = typeNames[issue.expected] ?? { en: issue.expected, es: issue.expected };
      return must(field, `be ${type.en}`, `ser ${type.es}`);
    }
    case "too_small":
    case "too_big":
      return bound(issue, field);
    case "invalid_value":
      return issue.values.length === 1
        ? must(field, `be ${String(issue.values[0])}`, `ser ${String(issue.values[0])}`)
        : must(field, `be one of: ${list(issue.values)}`, `ser uno de: ${list(issue.values)}`);
    case "invalid_format": {
      const format = formatNames[issue.format];
      return format
        ? must(field, `be ${format.en}`, `ser ${format.es}`)
        : { en: `${field} has an invalid format`, es: `${field} no tiene un formato válido` };
    }
    case "not_multiple_of":
      return must(
        field,
        `be a multiple of ${issue.divisor}`,
        `ser un múltiplo de ${issue.divisor}`,
      );
    default:
      return { en: `${field} is not valid`, es: `${field} no es válido` };
  }
}

const escapePointer = (segment: PropertyKey) =>
  String(segment).replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * Where an error points: a JSON Pointer into the body (RFC 6901), or `query.limit`,
 * `path.id`, `header.if-match` for parameters.
 */
export function fieldPath(target: Target, path: readonly PropertyKey[]): string {
  if (target === "json" || target === "form") return `/${path.map(escapePointer).join("/")}`;
  const prefix = target === "param" ? "path" : target;
  return [prefix, ...path.map(String)].join(".");
}

/** The name a message gives a field: its own name, not its position in a list. */
const fieldName = (path: readonly PropertyKey[]) =>
  String(path.findLast((segment) => typeof segment === "string") ?? "value");

/** Each issue of a failed parse, as a field error a person can act on. */
export function fieldErrors(target: Target, error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({
          path: fieldPath(target, [...issue.path, key]),
          message: { en: `${key} is not a known field`, es: `${key} no es un campo conocido` },
        }))
      : [
          {
            path: fieldPath(target, issue.path),
            message: describeIssue(issue, fieldName(issue.path)),
          },
        ],
  );
}

export function describeFieldErrors(errors: readonly unknown[]): Text {
  return errors.length === 1
    ? { en: "1 field is invalid", es: "1 campo no es válido" }
    : { en: `${errors.length} fields are invalid`, es: `${errors.length} campos no son válidos` };
}

/** The 400 for fields that failed a check of their own, each named in `errors[]`. */
export const invalidFields = (errors: FieldError[]) =>
  new ApiError("validation-error", { detail: describeFieldErrors(errors), errors });
