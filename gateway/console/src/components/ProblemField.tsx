// A form field with the problems found for it under it (the console's own checks and the API's field violations,
// both keyed by the field's path in the request); `data-testid` is `field:<path>`.
import { Form } from "antd";
import type { ReactNode } from "react";

import type { Problems } from "@/lib/problems";

export function Field({ path, problems, label, children }: { path: string; problems: Problems; label?: ReactNode; children: ReactNode }) {
  const errors = problems[path];
  return (
    <div data-testid={`field:${path}`}>
      <Form.Item
        label={label}
        validateStatus={errors ? "error" : undefined}
        help={errors ? errors.join("；") : undefined}
        style={{ marginBottom: 8 }}
      >
        {children}
      </Form.Item>
    </div>
  );
}
