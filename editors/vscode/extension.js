// The Noodle extension's client: starts `noodle lsp` on stdio for .nc files and hands it the
// editor's requests (vscode-languageclient). The command is the setting noodle.server.command;
// a path ending in .js is run with the Node.js that runs the editor's extensions.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const command = vscode.workspace.getConfiguration("noodle").get("server.command") || "noodle";
  const run = command.endsWith(".js") ? { command: process.execPath, args: [command, "lsp"] } : { command, args: ["lsp"] };
  return { ...run, transport: TransportKind.stdio, options: { env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } } };
}

function activate(context) {
  client = new LanguageClient("noodle", "Noodle", serverOptions(), { documentSelector: [{ language: "noodle" }] });
  context.subscriptions.push({ dispose: () => client?.stop() });
  return client.start();
}

function deactivate() {
  return client?.stop();
}

module.exports = { activate, deactivate };
