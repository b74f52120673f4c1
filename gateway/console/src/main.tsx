import { createRoot } from "react-dom/client";

import { App } from "./app/App";
import { preloadRoute } from "./app/routes";
import { registerServiceWorker } from "./lib/offline";
import "./styles.css";

preloadRoute(window.location.pathname);
createRoot(document.getElementById("root")!).render(<App />);
registerServiceWorker();
