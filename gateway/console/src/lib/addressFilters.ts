// A page's filters kept in the address (so a link or a reload shows the same list): read from the query string,
// changed by naming only what changes.
import { useSearchParams } from "react-router-dom";

/**
 * `read` turns the query string into filters, `write` filters into a query string. A change builds on the address
 * the browser holds now, not on the one the last render saw: the console's BrowserRouter writes the address at once
 * but renders it later, in a transition, and renders in between (a query answering, a field taking focus) still
 * show the old one. Two changes close together (an AUM's two bounds typed at once) would otherwise each start from
 * the old address and the second would undo the first.
 */
export function useAddressFilters<T>(
  read: (params: URLSearchParams) => T,
  write: (filters: T) => URLSearchParams,
): [T, (change: Partial<T>) => void] {
  const [params, setParams] = useSearchParams();
  const set = (change: Partial<T>) => {
    const now = new URLSearchParams(window.location.search);
    setParams(write({ ...read(now), ...change }), { replace: true });
  };
  return [read(params), set];
}
