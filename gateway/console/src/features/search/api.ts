import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { MASKED } from "@/features/customers/api";
import { api, must } from "@/lib/api/client";

/** The value after it has stopped changing for `ms` (results as you type, one request per pause). */
export function useDebounced<T>(value: T, ms = 200): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Names, pinyin, initials, ID, phone, account and USCC in one box (the customer service's search). */
export function useCustomerSearch(text: string, pageSize = 10) {
  const query = useDebounced(text.trim());
  return useQuery({
    queryKey: ["customers", "search", query, pageSize],
    queryFn: () => must(api.GET("/v1/customers:search", { params: { query: { query, pageSize, piiView: MASKED } } })),
    enabled: query.length > 0,
    placeholderData: keepPreviousData,
  });
}
