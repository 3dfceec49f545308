// as-pect runs the unit specs of the WebAssembly core (tests/assembly/*.spec.ts): each spec is
// compiled with the core's sources it imports and run on its own instance.
export default {
  entries: ["tests/assembly/**/*.spec.ts"],
  include: ["tests/assembly/**/*.include.ts"],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
