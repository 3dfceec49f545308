// The playground's entry: start the worker that runs programs first (it loads the compiler and
// makes its VM meanwhile), then load the page itself (the editor and the panels).
import "./style.css";
import "./runner-instance.js";

await import("./app.js");
