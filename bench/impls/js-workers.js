// The `js` peer's programs that start worker threads (a case's `js-workers` source): run as
// impls/js.js runs the others, under Node only, so a browser page skips them with the reason.

import { jsImpl } from "./js.js";
import { nodeHost } from "./node-host.js";

export function jsWorkersImpl() {
  /** @type {any} */
  let impl = null;
  return {
    name: "js",
    lang: "js-workers",
    async init(opts) {
      const { moduleUrl } = await nodeHost();
      impl = jsImpl({ moduleUrl, version: `node ${process.version}`, lang: "js-workers" });
      return impl.init(opts);
    },
    prepare: (c, path) => impl.prepare(c, path),
  };
}
