// A page's filters kept in the address (so a link or a reload shows the same list): read from the query string,
// changed by naming only what changes.
import { useRef } from "react";
import { useSearchParams } from "react-router-dom";

/**
 * `read` turns the query string into filters, `write` filters into a query string. Changes build on what the last
 * change wrote: react-router hands even a functional update the address of the last render, so two changes before
 * the next render (an AUM's two bounds typed at once) would each start from it and the second would undo the
 * first. A render takes the address only when it moved (not when the old one renders again).
 */
export function useAddressFilters<T>(
  read: (params: URLSearchParams) => T,
  write: (filters: T) => URLSearchParams,
): [T, (change: Partial<T>) => void] {
  const [params, setParams] = useSearchParams();
  const latest = useRef(params);
  const seen = useRef(params.toString());
  if (params.toString() !== seen.current) {
    seen.current = params.toString();
    latest.current = params;
  }
  const set = (change: Partial<T>) => {
    const out = write({ ...read(latest.current), ...change });
    latest.current = out;
    setParams(out, { replace: true });
  };
  return [read(params), set];
}
