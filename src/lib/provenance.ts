import { ApiError, type FieldError } from "./problem";

/**
 * Where a change an offline client replays was made: the device's clock when it was
 * recorded, the device, the app version. Recorded in the audit trail, never trusted:
 * the server's clock orders everything, and a device time outside the bounds below (a
 * phone set to the wrong year) is dropped rather than stored as if it were true.
 */
export interface Provenance {
  capturedAt: string | null;
  deviceId: string | null;
  appVersion: string | null;
}

export const PROVENANCE_HEADERS = {
  capturedAt: "X-Captured-At",
  deviceId: "X-Device-Id",
  appVersion: "X-App-Version",
} as const;

/** How old a device time may be and still be kept: the change log's retention. */
export const CAPTURED_AT_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
/** How far ahead of the server a device clock may run (clock skew). */
export const CAPTURED_AT_MAX_SKEW_MS = 5 * 60 * 1000;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Whether `value` is a time X-Captured-At takes: RFC 3339, and a real instant. */
export const isCapturedAt = (value: string) =>
  RFC3339.test(value) && !Number.isNaN(Date.parse(value));
const DEVICE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const APP_VERSION = /^[\x21-\x7e]{1,64}$/;

const invalid = (header: string, en: string, es: string): FieldError => ({
  path: `header.${header.toLowerCase()}`,
  message: { en, es },
});

/**
 * The provenance headers of a request: a malformed one is a 400 (a client bug to fix);
 * a well-formed device time outside [now − 30 days, now + 5 minutes] is kept as null.
 */
export function provenanceOf(headers: Headers, now: number): Provenance {
  const captured = headers.get(PROVENANCE_HEADERS.capturedAt);
  const deviceId = headers.get(PROVENANCE_HEADERS.deviceId);
  const appVersion = headers.get(PROVENANCE_HEADERS.appVersion);
  const errors: FieldError[] = [];
  const capturedMs = captured === null ? Number.NaN : Date.parse(captured);
  if (captured !== null && !isCapturedAt(captured)) {
    errors.push(
      invalid(
        PROVENANCE_HEADERS.capturedAt,
        "x-captured-at must be an RFC 3339 time (2026-11-27T14:05:00.000Z)",
        "x-captured-at debe ser una hora RFC 3339 (2026-11-27T14:05:00.000Z)",
      ),
    );
  }
  if (deviceId !== null && !DEVICE_ID.test(deviceId)) {
    errors.push(
      invalid(
        PROVENANCE_HEADERS.deviceId,
        "x-device-id must be 1–128 characters of A–Z a–z 0–9 . _ : -",
        "x-device-id debe tener de 1 a 128 caracteres entre A–Z a–z 0–9 . _ : -",
      ),
    );
  }
  if (appVersion !== null && !APP_VERSION.test(appVersion)) {
    errors.push(
      invalid(
        PROVENANCE_HEADERS.appVersion,
        "x-app-version must be 1–64 visible ASCII characters",
        "x-app-version debe tener de 1 a 64 caracteres ASCII visibles",
      ),
    );
  }
  if (errors.length > 0) {
    throw new ApiError("validation-error", {
      detail: {
        en: `${errors.length} header${errors.length === 1 ? " is" : "s are"} invalid`,
        es: `${errors.length} encabezado${errors.length === 1 ? " no es válido" : "s no son válidos"}`,
      },
      errors,
    });
  }
  const inBounds =
    capturedMs >= now - CAPTURED_AT_MAX_AGE_MS && capturedMs <= now + CAPTURED_AT_MAX_SKEW_MS;
  return {
    capturedAt: inBounds ? new Date(capturedMs).toISOString() : null,
    deviceId,
    appVersion,
  };
}
