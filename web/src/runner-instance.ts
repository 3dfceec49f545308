// The page's one Runner. Made by the entry module before the rest of the page loads, so the
// worker that runs the first program starts while the editor is still being set up.
import { Runner } from "./runner.js";

export const runner = new Runner();
