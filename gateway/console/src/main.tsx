import { createRoot } from "react-dom/client";

import { App, makeQueryClient } from "./app/App";
import { startRoute } from "./app/routes";
import { registerServiceWorker } from "./lib/offline";
import "./styles.css";

const client = makeQueryClient();
// the first render waits for the page's chunk (tens of milliseconds, the user's and page's queries already on
// their way): a page that suspended instead would be held back by React's fallback throttle (~300 ms)
void startRoute(window.location.pathname, client).then(() =>
  createRoot(document.getElementById("root")!).render(<App client={client} />),
);
registerServiceWorker();
