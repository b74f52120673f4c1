// A form's problems by field: the console's own checks and the API's field violations, keyed by the field's path
// in the request (so a violation lands on its field without a lookup table), and what no field shows.
import type { FieldViolation } from "@/lib/api/client";

export type Problems = Record<string, string[]>;

/** The API's violations by form field, `pathOf` turning a violation's field into the form's path. */
export function problemsOf(violations: readonly FieldViolation[], pathOf: (field: string) => string): Problems {
  const out: Problems = {};
  for (const v of violations) {
    const path = pathOf(v.field);
    out[path] = [...(out[path] ?? []), v.description];
  }
  return out;
}

/** The problems no field of the form shows (they go in the form's summary). `fields` is every path shown. */
export function unplaced(problems: Problems, fields: ReadonlySet<string>): string[] {
  return Object.entries(problems)
    .filter(([path]) => !fields.has(path))
    .flatMap(([path, texts]) => texts.map((text) => (path ? `${path}: ${text}` : text)));
}
