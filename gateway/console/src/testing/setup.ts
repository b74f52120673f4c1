// What jsdom lacks and the console's components use, for every Vitest file (vite.config.ts `test.setupFiles`):
// Ant Design's responsive parts ask `matchMedia` and `ResizeObserver`; the API client calls relative URLs (same
// origin) and Node's Request wants an absolute one. A file that stubs `fetch` still does so in `vi.hoisted`
// (openapi-fetch takes it when the client module loads).
const NativeRequest = globalThis.Request;
globalThis.Request = class extends NativeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === "string" && input.startsWith("/") ? new URL(input, "http://localhost") : input, init);
  }
} as typeof Request;

if (typeof window !== "undefined") {
  window.matchMedia ??= ((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia;
}

globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;
