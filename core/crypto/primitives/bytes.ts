// The byte helpers live in core/bytes; this re-export remains only for the few importers outside core/crypto (the
// device key stores in core/client and two device key tests), until they import core/bytes/mod.ts directly.

export { fromHex, hex } from "../../bytes/mod.ts";
