import { Tag } from "antd";

const GRADED = { color: "#7a4a00", background: "#fff7e6", borderColor: "#ffd591" };

/** A tier as a tag: warm for a key customer's tier (dark enough text to read: WCAG AA), plain for none. */
export function TierTag({ graded, children, testId }: { graded: boolean; children: string; testId?: string }) {
  return (
    <Tag style={graded ? GRADED : undefined} data-testid={testId}>
      {children}
    </Tag>
  );
}
