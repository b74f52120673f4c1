import { createRoot } from "react-dom/client";

import { App } from "./app/App";
import { registerServiceWorker } from "./lib/offline";
import "./styles.css";

createRoot(document.getElementById("root")!).render(<App />);
registerServiceWorker();
