import { actionMain } from "@phi3-aml/shared/action";
import { readInputs } from "./inputs.js";

await actionMain({ name: "evaluate", read: readInputs, load: () => import("./run.js") });
