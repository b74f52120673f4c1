// Helpers shared by page tests: where the router went, and a desktop or a phone as Ant Design's breakpoints see it.
import { useLocation } from "react-router-dom";

/** The current route (path and query), for a test asserting where a click led. */
export function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.pathname + location.search}</p>;
}

/** `matchMedia` as Ant Design's breakpoints ask it: a desktop matches every min-width query, a phone none.
 * `desktop` is asked at each query, so a test switches to a phone by changing what it returns. */
export function stubViewport(desktop: () => boolean): void {
  window.matchMedia = ((query: string) => ({
    matches: desktop() && query.includes("min-width"),
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia;
}
