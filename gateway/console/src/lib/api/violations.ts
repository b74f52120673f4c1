// The API's field violations (google.rpc.BadRequest, in ApiError.violations) as form fields: a form shows each
// under the field it names, several on one field together.
import type { FieldViolation } from "./client";

/** A violation's field path as a form field name: `user.display_name` → `displayName`, `user.roles[1]` → `roles`. */
export function violationField(field: string, prefix?: string): string {
  let path = field.replace(/\[\d+\]/g, "");
  if (prefix && path.startsWith(`${prefix}.`)) path = path.slice(prefix.length + 1);
  const last = path.split(".").at(-1) ?? path;
  return last.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Violations grouped by form field (several on one field kept together); `rename` maps API names to the form's. */
export function violationsByField(
  violations: readonly FieldViolation[],
  prefix?: string,
  rename: Record<string, string> = {},
): { name: string; errors: string[] }[] {
  const out = new Map<string, string[]>();
  for (const v of violations) {
    const raw = violationField(v.field, prefix);
    const name = rename[raw] ?? raw;
    out.set(name, [...(out.get(name) ?? []), v.description]);
  }
  return [...out].map(([name, errors]) => ({ name, errors }));
}
