// The byte helpers now live in core/bytes; this re-export keeps the crypto layer's many import lines unchanged.
// New code imports core/bytes/mod.ts directly.

export { concatBytes, constantTimeEqual, fromHex, hex, joinBytes, utf8 } from "../../bytes/mod.ts";
