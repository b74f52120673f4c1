import { act, cleanup, render } from "@testing-library/react";
import { BrowserRouter } from "react-router-dom";
import { afterEach, describe, expect, it } from "vitest";

import { useAddressFilters } from "./addressFilters";

type Filters = { low?: string; high?: string };
const read = (p: URLSearchParams): Filters => ({ low: p.get("low") ?? undefined, high: p.get("high") ?? undefined });
const write = (f: Filters) => {
  const out = new URLSearchParams();
  if (f.low) out.set("low", f.low);
  if (f.high) out.set("high", f.high);
  return out;
};

let setFilters: (change: Partial<Filters>) => void = () => {};
function Probe() {
  const [filters, set] = useAddressFilters(read, write);
  setFilters = set;
  return <span data-testid="shown">{`${filters.low ?? "-"}..${filters.high ?? "-"}`}</span>;
}

describe("useAddressFilters", () => {
  afterEach(() => {
    cleanup();
    window.history.replaceState(null, "", "/");
  });

  it("builds on the address written but not yet rendered", async () => {
    // BrowserRouter writes the address at once and renders it later, in a transition; renders in between still
    // show the old address. Here the address moves without a render at all.
    const page = render(
      <BrowserRouter>
        <Probe />
      </BrowserRouter>,
    );
    window.history.replaceState(null, "", "/?low=1000");
    await act(async () => setFilters({ high: "5000" }));
    expect(new URLSearchParams(window.location.search).toString()).toBe("low=1000&high=5000");
    expect(page.getByTestId("shown").textContent).toBe("1000..5000");
  });

  it("keeps both of two changes made before the page renders again", async () => {
    const page = render(
      <BrowserRouter>
        <Probe />
      </BrowserRouter>,
    );
    await act(async () => {
      setFilters({ low: "1000" });
      setFilters({ high: "5000" });
    });
    expect(page.getByTestId("shown").textContent).toBe("1000..5000");
  });

  it("starts from an address reached by other means (a link, the back button)", async () => {
    const page = render(
      <BrowserRouter>
        <Probe />
      </BrowserRouter>,
    );
    await act(async () => setFilters({ low: "1" }));
    await act(async () => {
      window.history.pushState(null, "", "/?high=9");
      window.dispatchEvent(new PopStateEvent("popstate"));
    });
    await act(async () => setFilters({ low: "2" }));
    expect(page.getByTestId("shown").textContent).toBe("2..9");
  });
});
