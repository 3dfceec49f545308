// The language service, for editors: browser-safe (the host supplies files that are not open).
export type { CompletionItem, CompletionKind, Completions } from "./completion.js";
export type { OutlineKind, OutlineSymbol } from "./document-symbols.js";
export { type SemanticToken, TOKEN_MODIFIERS, TOKEN_TYPES } from "./semantic-tokens.js";
export { type Hover, type LanguageHost, LanguageService, type Location, type RenameResult, type ServiceDiagnostic, type TextEdit } from "./service.js";
export type { SignatureHelp } from "./signature-help.js";
